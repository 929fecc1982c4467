"""The ranking dock: thin Qt views bound to a Qt-free ScenarioDraft (hljgis.analysis.draft)."""
