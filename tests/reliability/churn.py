"""A worker that changes an incident without pause (evidence, posts, annotations) and reports each commit.

Run as `python churn.py INCIDENT SEED`; prints `ready`, then one line per committed change:
`media <sha256>`, `post <platform_id>`, `annotation <id> <label>`, `deleted <id>`; before an edit or a delete it
prints `intent <id>`, because a kill can land after that change commits and before it is reported. The
reliability test kills it.
"""

from __future__ import annotations

import io
import json
import random
import sys
import tempfile
from pathlib import Path

from PIL import Image

from workbench.core.annotations import create_annotation, delete_annotation, update_annotation
from workbench.core.incident import Incident
from workbench.core.ingest import add_file
from workbench.core.posts.store import import_export


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def jpeg(seed: int) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGB", (96, 64), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for _ in range(40):
        img.putpixel((rng.randrange(96), rng.randrange(64)), (255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue() + rng.randbytes(300_000)  # bulk, so some kills land inside a write


def twarc_page(first_id: int, count: int) -> str:
    tweets = [
        {
            "id": str(first_id + i),
            "text": f"post {first_id + i} #churn",
            "author_id": str(9000 + i % 3),
            "created_at": f"2024-05-01T12:{i % 60:02d}:00.000Z",
        }
        for i in range(count)
    ]
    users = [{"id": str(9000 + u), "username": f"user{u}", "name": f"User {u}"} for u in range(3)]
    return json.dumps({"data": tweets, "includes": {"users": users}})


def main() -> None:
    path, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="churn-"))
    with Incident.open(path, analyst="churn") as inc:
        say("ready")
        step = 0
        while True:
            step += 1
            action = rng.choice(["media", "media", "posts", "annotate", "annotate", "edit", "delete"])
            if action == "media":
                f = work / f"{seed}-{step}.jpg"
                f.write_bytes(jpeg(seed * 100_000 + step))
                outcome = add_file(inc, f)
                say(f"media {outcome.sha256}")
            elif action == "posts":
                f = work / f"{seed}-{step}.jsonl"
                first = seed * 1_000_000 + step * 100
                f.write_text(twarc_page(first, 30) + "\n", encoding="utf-8")
                import_export(inc, f, fmt="twitter")
                say(f"post {first} {first + 29}")
            else:
                items = [m for m in inc.media_items() if m.kind == "image"]
                if not items:
                    continue
                from workbench.core.annotations import list_annotations

                existing = list_annotations(inc)
                if action == "annotate" or not existing:
                    label = f"sign {seed}-{step}"
                    changes = create_annotation(
                        inc, rng.choice(items).id, "rect", {"x": 1, "y": 2, "w": 10, "h": 8}, label=label
                    )
                    say(f"annotation {changes.ids['annotations'][0]} {label}")
                elif action == "edit":
                    target = rng.choice(existing)
                    label = f"edited {seed}-{step}"
                    say(f"intent {target.id}")  # a kill after the commit but before the report leaves it unknown
                    update_annotation(inc, target.id, label=label)
                    say(f"annotation {target.id} {label}")
                else:
                    target = rng.choice(existing)
                    say(f"intent {target.id}")
                    delete_annotation(inc, target.id)
                    say(f"deleted {target.id}")


if __name__ == "__main__":
    main()
