"""The seed-style baseline: the reference chapter's enqueue and worker patterns, rewritten for our
contract, table and queue so both sides run on the same inputs, model file and emulator.

Comparison only, never shipped (neither artifact packages bench/). It keeps the chapter's
shortcuts on purpose: no validation, put then send, one model call and one sequential
unconditional DynamoDB write per message, no processing state. Those shortcuts are exactly what
the benchmarks price.
"""
