"""The asyncinfer stack on one machine (`asyncinfer up`) and the `asyncinfer` client."""
