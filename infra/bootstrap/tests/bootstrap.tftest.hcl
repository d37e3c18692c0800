# Each validation of the bootstrap's inputs refuses a bad value on its own; valid inputs plan.

variables {
  aws_region        = "us-east-1"
  github_repository = "example-org/asyncinfer"
}

run "valid_inputs_plan" {
  command = plan
}

run "repository_without_owner" {
  command = plan
  variables { github_repository = "asyncinfer" }
  expect_failures = [var.github_repository]
}

run "branch_as_a_ref" {
  command = plan
  variables { default_branch = "refs/heads/main" }
  expect_failures = [var.default_branch]
}

run "environment_named_image" {
  command = plan
  variables { environments = ["dev", "image"] }
  expect_failures = [var.environments]
}
