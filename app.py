"""Entry point of the web app: `python app.py [--host 127.0.0.1] [--port 7860]`."""

from webapp.server import main

if __name__ == "__main__":
    main()
