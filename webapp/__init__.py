"""The web app: gradio UI and HTTP APIs over the assistant, calculator, clause lookup and evals.

`from webapp.server import create_app` builds the FastAPI app with the UI mounted at `/`."""
