"""The DAG, through Airflow itself."""
