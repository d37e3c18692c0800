# The module has no validations; this plans it and checks what a deploy relies on.

variables {
  name                        = "asyncinfer-worker"
  lambda_function_name_prefix = "asyncinfer-"
}

run "plans_an_immutable_scanned_repository" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be immutable: deploys pin images by tag."
  }

  assert {
    condition     = one(aws_ecr_repository.this.image_scanning_configuration).scan_on_push
    error_message = "Images must be scanned on push."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(data.aws_iam_policy_document.lambda_pull.json).Statement :
      toset(flatten([statement.Action])) == toset(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
    ])
    error_message = "Lambda may only pull images from the repository."
  }
}
