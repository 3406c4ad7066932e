"""The reference district backend: enrols workstations, receives cases exactly once, returns decisions."""
