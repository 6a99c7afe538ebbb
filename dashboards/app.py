"""Entry point: ``streamlit run dashboards/app.py`` (or ``taskforce dashboard``)."""

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Task Force on Human Trafficking", page_icon=":bar_chart:", layout="wide")

PAGES = Path(__file__).resolve().parent / "pages"
navigation = st.navigation([st.Page(str(PAGES / "overview.py"), title="Overview", default=True)])
navigation.run()
