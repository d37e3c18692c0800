# Created once per AWS account, before any environment:
#   buckets (Terraform state, model artifacts), the worker image repository,
#   and GitHub OIDC roles: per environment a plan role, an apply role and the permissions
#   boundary of the roles it creates (environment_roles.tf), and one role that only pushes the
#   worker image. docs/security.md describes every role.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  buckets = {
    state  = "${var.name_prefix}-tfstate-${local.account_id}"
    models = "${var.name_prefix}-models-${local.account_id}"
  }
}

################################################################################
# Buckets: versioned, encrypted, private, TLS only
################################################################################

resource "aws_s3_bucket" "this" {
  for_each = local.buckets

  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-account choice; versioning already protects against overwrites.
  #checkov:skip=CKV_AWS_18:Access logging needs a separate log bucket; CloudTrail records the API calls on these two small buckets.
  #checkov:skip=CKV2_AWS_62:No consumer for event notifications on state or model objects.
  #checkov:skip=CKV_AWS_21:Versioning is aws_s3_bucket_versioning.this (for_each over the same buckets); checkov does not link for_each siblings.
  #checkov:skip=CKV_AWS_145:KMS encryption is aws_s3_bucket_server_side_encryption_configuration.this (for_each siblings, not linked by checkov).
  #checkov:skip=CKV2_AWS_6:The public access block is aws_s3_bucket_public_access_block.this (for_each siblings, not linked by checkov).
  #checkov:skip=CKV2_AWS_61:The lifecycle rules are aws_s3_bucket_lifecycle_configuration.this (for_each siblings, not linked by checkov).
  bucket = each.value
}

# S3 answers OperationAborted ("A conflicting conditional operation is currently in progress")
# to concurrent configuration calls on one bucket, so each setting below waits for the one
# before it: versioning, encryption, public access block, ownership, lifecycle, policy.
resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.this]
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_ownership_controls.this]
}

data "aws_iam_policy_document" "tls_only" {
  for_each = aws_s3_bucket.this

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
    resources = [each.value.arn, "${each.value.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  depends_on = [aws_s3_bucket_lifecycle_configuration.this]
}

################################################################################
# Worker image repository (shared by the environments: promote an image by its tag or digest)
################################################################################

module "worker_images" {
  source = "../../modules/ecr_repository"

  name                        = "${var.name_prefix}-worker"
  lambda_function_name_prefix = "${var.name_prefix}-"
}

################################################################################
# GitHub OIDC: the subjects each role trusts (the roles are in environment_roles.tf and below)
################################################################################

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

locals {
  default_branch_subject = "repo:${var.github_repository}:ref:refs/heads/${var.default_branch}"

  # The OIDC subjects (the token's `sub`) each role trusts. Plans run for pull requests and the
  # default branch; applies only from the matching GitHub environment, where reviewers and
  # branch rules gate them; the image push only from the default branch (deploy.yml's image job
  # runs in no GitHub environment, so its subject is the branch).
  github_subjects = merge(
    {
      for env in var.environments : "plan-${env}" => [
        "repo:${var.github_repository}:pull_request",
        local.default_branch_subject,
      ]
    },
    {
      for env in var.environments : "apply-${env}" => [
        "repo:${var.github_repository}:environment:${env}",
      ]
    },
    { "image-push" = [local.default_branch_subject] },
  )
}

data "aws_iam_policy_document" "github_trust" {
  for_each = local.github_subjects

  statement {
    sid     = "GitHubActions"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = each.value
    }
  }
}

################################################################################
# GitHub OIDC: the worker image push role (deploy.yml's image job, default branch only)
################################################################################

# Exactly the calls of deploy.yml's image job: amazon-ecr-login, `aws ecr describe-images`,
# and buildx pushing one single-platform image. Nothing pulls from the repository in that job
# (the base image is public), so no ecr:GetDownloadUrlForLayer; it touches no bucket.
data "aws_iam_policy_document" "image_push" {
  # GetAuthorizationToken has no resource type: IAM accepts only "*" for it. The token is a
  # docker login to the registry; what it may do there is the statement below.
  statement {
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushWorkerImage"
    actions = [
      # "image of this commit already pushed?": describe-images by the commit's tag
      "ecr:DescribeImages",
      # HEAD of each layer blob: upload only those the repository lacks
      "ecr:BatchCheckLayerAvailability",
      # a layer's upload: start, send the parts, finish with its digest
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      # HEAD of the manifest before putting it (buildkit's existence check)
      "ecr:BatchGetImage",
      # the manifest under the commit's tag
      "ecr:PutImage",
    ]
    resources = [module.worker_images.repository_arn]
  }
}

resource "aws_iam_role" "image_push" {
  name                 = "${var.name_prefix}-image-push"
  description          = "Push the worker image to ${module.worker_images.repository_name} from GitHub Actions on ${var.default_branch}."
  assume_role_policy   = data.aws_iam_policy_document.github_trust["image-push"].json
  max_session_duration = 3600 # IAM's minimum; the image job times out after 45 minutes
}

resource "aws_iam_role_policy" "image_push" {
  name   = "push-worker-image"
  role   = aws_iam_role.image_push.name
  policy = data.aws_iam_policy_document.image_push.json
}
