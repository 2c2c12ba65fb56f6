"""Every printed paper rendered with Qt (QtGui, no widgets): request summary, period
report, tube labels. Used by the GUI (preview, print) and the CLI (PDF files)."""
