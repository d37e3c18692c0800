# The validation refuses a blank TTL attribute; the defaults plan with TTL on.

variables {
  name          = "asyncinfer-test-results"
  ttl_attribute = "expires_at"
}

run "defaults_plan" {
  command = plan

  assert {
    condition     = one(aws_dynamodb_table.this.ttl).enabled && one(aws_dynamodb_table.this.ttl).attribute_name == "expires_at"
    error_message = "TTL must be enabled on ttl_attribute."
  }
}

run "blank_ttl_attribute" {
  command = plan
  variables { ttl_attribute = " " }
  expect_failures = [var.ttl_attribute]
}
