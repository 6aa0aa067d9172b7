"""Run the queue's jobs in the test's own transaction, the way `manage.py db_worker` runs them."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_jobs(limit: int = 100) -> int:
    """Run every job that is due now (a retry's `run_after` must have passed); returns how many ran. A job that
    raised fails the test: our jobs record their own failures."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit and (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)  # without the worker loop, which would close the test's connection
        ran += 1
    failed = list(DBTaskResult.objects.failed().values_list("task_path", "exception_class_path", "traceback"))
    assert not failed, failed
    return ran


def queued_jobs() -> list[tuple[str, list]]:
    """(task path, args) of the jobs waiting in the queue."""
    return [(r.task_path, r.args_kwargs["args"]) for r in DBTaskResult.objects.ready().order_by("enqueued_at")]
