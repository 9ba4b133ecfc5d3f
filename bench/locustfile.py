"""The staff journeys `bench/pages.py` runs with locust against gunicorn.

`BENCH_DATA` names a JSON file the benchmark writes: the users' password, people to look up
(NIK, household), a complaint category and complaints to open.
"""

import json
import os
import random

from locust import HttpUser, constant, task

DATA = json.loads(open(os.environ["BENCH_DATA"], encoding="utf-8").read())  # noqa: SIM115


class Desk(HttpUser):
    """A signed-in member of staff; `username` says who."""

    abstract = True
    username = ""
    wait_time = constant(0)  # no pause between pages: what the server can take

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="sign in")
        self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": DATA["password"],
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
        )

    def post(self, url: str, data: dict, name: str):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies["csrftoken"]}
        return self.client.post(url, data, headers={"Referer": self.host + url}, name=name)


class FrontOffice(Desk):
    """A resident walks in: find them by NIK, open their household, register a complaint,
    print the receipt."""

    username = "bench-fo"

    @task
    def walk_in(self) -> None:
        person = random.choice(DATA["people"])  # noqa: S311
        self.client.get(f"/households/?q={person['nik']}", name="/households/?q=NIK")
        self.client.get(f"/households/{person['household']}/", name="/households/[id]/")
        form = f"/complaints/new/{person['household']}/"
        self.client.get(form, name="/complaints/new/[id]/")
        answer = self.post(
            form,
            {
                "complainant": person["id"],
                "channel": "walk_in",
                "category": DATA["category"],
                "urgency": "normal",
                "description": "Belum menerima bantuan pangan bulan ini.",
                "consent_given": "on",
            },
            name="/complaints/new/[id]/",
        )
        if "/complaints/" in answer.url and answer.url.rstrip("/").split("/")[-1].isdigit():
            self.client.get(answer.url.rstrip("/") + "/receipt/", name="/complaints/[id]/receipt/")


class BackOffice(Desk):
    """The back office works the queue: the list, one complaint, the referrals."""

    username = "bench-bo"

    @task
    def queue(self) -> None:
        self.client.get("/complaints/", name="/complaints/")
        complaint = random.choice(DATA["complaints"])  # noqa: S311
        self.client.get(f"/complaints/{complaint}/", name="/complaints/[id]/")
        self.client.get("/referrals/", name="/referrals/")


class Bare(HttpUser):
    """The reference: a Django view through the whole middleware, one trivial query."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
