"""The Streamlit page, cut into small modules. Only this package and ``app.py`` import streamlit."""
