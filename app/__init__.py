"""综窗 Zongchuang: the clerk workstation of a community service centre's comprehensive window."""
