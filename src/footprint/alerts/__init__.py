"""Alerts: a person is told when a night needs one, by email, a chat webhook, or the task log.

What is sent (footprint.alerts.message):

* a night rejected: by the loader (a refused delivery), the quality gate, or dbt's tests,
  with the step, one line on what is wrong, the report's path and what to do next;
* a task failed after its retries (anything that is not the data: the warehouse down, a
  disk full);
* a night whose extract has not arrived by FOOTPRINT_ALERT_LATE_AFTER (06:00 Europe/London),
  while the run still waits for it, and a night that never arrived;
* a rejected night later accepted and published (recovered), which closes the thread.

How: Airflow's own mechanisms call in (footprint.alerts.notifiers: the tasks' failure and
success notifiers, the DAG's deadline alert); the channels (footprint.alerts.channels) are
SMTP (Airflow's SMTP provider) and a JSON webhook that Microsoft Teams and Slack incoming
webhooks accept, each used when its settings are set (footprint.alerts.settings). The task
log always gets the alert, so an unconfigured installation loses nothing.

Privacy: an alert names nights, steps, files, record numbers, columns and checks, never a
value from the extract nor any child identifier (no person id, no child_key, no note id).
Its text is built only from our own messages, which are written that way; an error from
elsewhere (a driver, a library) is named by its type alone.
"""
