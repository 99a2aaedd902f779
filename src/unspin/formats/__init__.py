"""Reading inputs: text, HTML, PDF, JSONL, CSV, Parquet; PTC articles and labels; SemEval-2021."""
