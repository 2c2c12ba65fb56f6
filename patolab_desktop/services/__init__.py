"""Domain rules. No Qt widgets here: the GUI, the CLI and the tests all call these."""
