# One source of truth: infra/settings.json holds the queue, worker, enqueue, dead-letter drain
# and results settings that the local stack (local/) runs with too. An environment replaces a value only through
# var.settings_overrides, so a difference from the local stack is always visible in its tfvars.
locals {
  settings = jsondecode(file("${path.module}/settings.json"))

  queue        = merge(local.settings.queue, var.settings_overrides.queue)
  worker       = merge(local.settings.worker, var.settings_overrides.worker)
  enqueue      = merge(local.settings.enqueue, var.settings_overrides.enqueue)
  dead_letters = merge(local.settings.dead_letters, var.settings_overrides.dead_letters)
  results      = local.settings.results

  # "<section>.<key>" of every setting in settings.json: what settings_overrides may name.
  setting_names = flatten([for section, values in local.settings : [for key in keys(values) : "${section}.${key}"] if can(keys(values))])
}
