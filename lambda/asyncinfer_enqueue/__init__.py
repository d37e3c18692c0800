"""The enqueue function: validates submissions, queues them, and answers status polls.

Entry point: `asyncinfer_enqueue.handler.handler` (API Gateway v2 HTTP API, payload format 2.0).
Read top down: `handler` (the edge: event in, one access line, response out), `routes` (the
route table and exact matching), `endpoints` (what each route does, with the submit
compensation), `gateway` (the payload 2.0 event and response, the strict JSON body, code ->
status), `errors`, `settings` (environment and AWS clients). Stdlib plus the runtime's boto3
only; nothing here may import torch.
"""
