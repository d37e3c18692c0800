# Each validation of the stack's inputs refuses a bad value on its own; valid inputs plan.

variables {
  name             = "asyncinfer-test"
  worker_image_uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/asyncinfer-worker:0a1b2c3d"
  model_s3_uri     = "s3://asyncinfer-models-123456789012/sentiment/model.pt"
}

run "valid_inputs_plan" {
  command = plan
}

run "name_with_capitals" {
  command = plan
  variables { name = "AsyncInfer-test" }
  expect_failures = [var.name]
}

run "misspelt_override" {
  command = plan
  variables { settings_overrides = { worker = { timeout_second = 60 } } }
  expect_failures = [var.settings_overrides]
}

run "lambda_log_level_name" {
  command = plan
  variables { log_level = "WARN" }
  expect_failures = [var.log_level]
}

run "image_latest_tag" {
  command = plan
  variables { worker_image_uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/asyncinfer-worker:latest" }
  expect_failures = [var.worker_image_uri]
}

run "model_uri_not_s3" {
  command = plan
  variables { model_s3_uri = "https://asyncinfer-models.s3.amazonaws.com/sentiment/model.pt" }
  expect_failures = [var.model_s3_uri]
}
