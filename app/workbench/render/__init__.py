"""Rendering with Qt (QtGui only, no widgets): the PDF report. The core never imports this package."""
