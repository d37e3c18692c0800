"""The enqueue function: validates submissions, queues them, and answers status polls.

Entry point: `asyncinfer_enqueue.handler.handler` (API Gateway v2 HTTP API, payload format 2.0).
Stdlib plus the runtime's boto3 only; nothing here may import torch.
"""
