locals {
  # `$default` catches every request no other route matches, so unknown paths (404) and wrong
  # methods (405 with Allow) get the function's JSON error shape, not API Gateway's bare
  # {"message":"Not Found"}.
  routes = {
    predict  = { key = "POST /predict", protected = true }
    status   = { key = "GET /status/{request_id}", protected = true }
    health   = { key = "GET /health", protected = false }
    fallback = { key = "$default", protected = true }
    # Browsers send CORS preflights without credentials: without this route `$default` (and
    # its JWT authorizer) answers them 401. The function answers 204 and API Gateway adds the
    # CORS headers of var.cors.
    preflight = { key = "OPTIONS /{proxy+}", protected = false }
  }
}

################################################################################
# API and routes
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  protocol_type = "HTTP"

  dynamic "cors_configuration" {
    for_each = var.cors == null ? [] : [var.cors]

    content {
      allow_origins = cors_configuration.value.allow_origins
      allow_methods = cors_configuration.value.allow_methods
      allow_headers = cors_configuration.value.allow_headers
      max_age       = cors_configuration.value.max_age
    }
  }

  tags = var.tags
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count = var.jwt_authorizer == null ? 0 : 1

  api_id           = aws_apigatewayv2_api.this.id
  name             = "${var.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_authorizer.issuer
    audience = var.jwt_authorizer.audience
  }
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.function_alias_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes

  api_id    = aws_apigatewayv2_api.this.id
  route_key = each.value.key
  target    = "integrations/${aws_apigatewayv2_integration.this.id}"

  #checkov:skip=CKV_AWS_309:Auth is an input (jwt_authorizer, on in staging and prod); /health stays open by design for uptime checks.
  # Health stays open for load balancers and uptime checks; the rest use the JWT authorizer when set.
  authorization_type = each.value.protected && var.jwt_authorizer != null ? "JWT" : "NONE"
  authorizer_id      = each.value.protected ? one(aws_apigatewayv2_authorizer.jwt[*].id) : null
}

# Only this API may invoke the alias.
resource "aws_lambda_permission" "this" {
  statement_id  = "AllowInvokeFrom${replace(var.name, "-", "")}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  qualifier     = var.function_alias_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

################################################################################
# Stage: throttling and access logs
################################################################################

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is an input (log_retention_days): a year in prod, days in dev, where access logs are short-lived by design.
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId        = "$context.requestId"
      requestTime      = "$context.requestTime"
      httpMethod       = "$context.httpMethod"
      routeKey         = "$context.routeKey"
      status           = "$context.status"
      responseLength   = "$context.responseLength"
      integrationError = "$context.integrationErrorMessage"
      latencyMs        = "$context.responseLatency"
      sourceIp         = "$context.identity.sourceIp"
    })
  }

  tags = var.tags
}
