"""The map panel: a Leaflet page (built by `workbench.core.geo.mappage`) in a QtWebEngine view.

Import `MapView` from `workbench.gui.panels.map.widget`; call `workbench.gui.webengine.prepare_webengine()` before
the QApplication exists.
"""
