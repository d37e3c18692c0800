# One source of truth: infra/settings.json holds the queue, worker, enqueue, dead-letter drain and
# results settings
# that the local stack (local/) runs with too. An environment replaces a value only through
# var.settings_overrides, so a difference from the local stack is always visible in its tfvars.
locals {
  settings = jsondecode(file("${path.module}/settings.json"))

  queue        = merge(local.settings.queue, var.settings_overrides.queue)
  worker       = merge(local.settings.worker, var.settings_overrides.worker)
  enqueue      = merge(local.settings.enqueue, var.settings_overrides.enqueue)
  dead_letters = merge(local.settings.dead_letters, var.settings_overrides.dead_letters)
  results      = local.settings.results

  unknown_overrides = concat(
    [for k in keys(var.settings_overrides.queue) : "queue.${k}" if !contains(keys(local.settings.queue), k)],
    [for k in keys(var.settings_overrides.worker) : "worker.${k}" if !contains(keys(local.settings.worker), k)],
    [for k in keys(var.settings_overrides.enqueue) : "enqueue.${k}" if !contains(keys(local.settings.enqueue), k)],
    [for k in keys(var.settings_overrides.dead_letters) : "dead_letters.${k}" if !contains(keys(local.settings.dead_letters), k)],
  )
}
