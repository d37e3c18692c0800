# Each validation of the module refuses a bad value on its own; the defaults plan.

variables {
  name                      = "asyncinfer-test"
  function_name             = "asyncinfer-test-enqueue"
  function_alias_name       = "live"
  function_alias_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:asyncinfer-test-enqueue:live/invocations"
}

run "defaults_plan" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_route.this["health"].authorization_type == "NONE" && length(aws_apigatewayv2_authorizer.jwt) == 0
    error_message = "Without jwt_authorizer no route is protected."
  }
}

run "jwt_issuer_not_https" {
  command = plan
  variables {
    jwt_authorizer = { issuer = "http://issuer.example.com/", audience = ["asyncinfer"] }
  }
  expect_failures = [var.jwt_authorizer]
}

run "log_retention_forever" {
  command = plan
  variables { log_retention_days = 0 }
  expect_failures = [var.log_retention_days]
}
