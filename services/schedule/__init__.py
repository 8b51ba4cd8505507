"""The live schedule of an order: planned dates, critical path, due dates and jeopardy."""
