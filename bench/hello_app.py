"""The baseline of bench/pages.py: a bare Flask app with one route, served like the forum."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
