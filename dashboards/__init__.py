"""Streamlit dashboards for the Task Force: one file per page under ``pages/``, shared query and chart
helpers here. Pages read the marts only, never raw or quarantined rows."""
