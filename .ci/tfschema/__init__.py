"""Offline validation of our Terraform against the AWS provider's real schema (issue 6).

`extract` turns the provider schema shipped in the pinned `cdktn-provider-aws` wheel into the
compact `aws_provider_schema.json` committed next to this file; `validate` checks every .tf file
of the repo against it. Run with `.ci` on sys.path: `PYTHONPATH=.ci python -m tfschema.validate`.
"""
