"""The worker function: SQS batches in, one batched TorchScript forward, results to DynamoDB.

Entry point: `asyncinfer_worker.handler.handler`. Module map (one job each):
`handler` (the Lambda edge), `batch` (one batch, top to bottom), `records` (SQS records in,
poison messages out to the DLQ), `model_holder` (lazy TorchScript load + warm-up),
`model_source` (MODEL_PATH to a local file), `io_pool` (concurrent per-message AWS calls),
`settings` (environment and AWS clients), and the shared `asyncinfer_shared.results_table`
(every status transition, and the lease's clock).

A second entry point, `asyncinfer_worker.drain.handler`, drains the DLQ: it fails
the requests whose worker stopped on every allowed receive. It loads no model.
"""
