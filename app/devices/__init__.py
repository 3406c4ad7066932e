"""One sub-package per device kind: a Protocol, real drivers, and a simulator speaking the same bytes."""
