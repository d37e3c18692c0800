"""The worker function: SQS batches in, one batched TorchScript forward, results to DynamoDB.

Entry point: `asyncinfer_worker.handler.handler`. Module map (one job each):
`settings` (env), `aws_clients` (lazy boto3 clients), `records` (SQS records in, poison
messages out to the DLQ), `model_source` (MODEL_PATH to a local file), `model_holder` (lazy
TorchScript load + warm-up), the shared `asyncinfer_shared.results_table` (conditional status
transitions), `lease` (how long a delivery holds a request), `io_pool` (concurrent per-message
AWS calls), `batch` (orchestration), `handler` (the Lambda edge).

A second entry point, `asyncinfer_worker.drain.handler`, drains the DLQ: it fails
the requests whose worker stopped on every allowed receive. It loads no model.
"""
