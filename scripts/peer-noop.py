#!/usr/bin/env python3
"""The no-op service written the usual way in Python (issue 17, item 4): the peer `doudi-bench`
measures the Swift runtime against (docs/benchmarks.md, "The runtime against a Python peer").

Same guarantees as `doudi-noop` through the runtime (docs/architecture.md, "Reliability"):
- consume a batch (manual offsets, no auto-commit);
- one SQLite transaction per batch: each input's id recorded as applied (a re-delivered id
  changes nothing), the per-key state row updated, the derived event (a deterministic id from the
  input's id) written to an outbox, the batch's next offsets stored;
- publish the outbox (idempotent producer, acks=all), delete what the broker acknowledged;
- commit the offsets to the group only after the transaction and the publication.

Usage: peer-noop.py --brokers HOST:PORT --from TOPIC --to TOPIC --group GROUP --db FILE
Needs `confluent-kafka` (pip install confluent-kafka).
"""
import argparse
import hashlib
import json
import os
import signal
import sqlite3
import sys

from confluent_kafka import Consumer, Producer, TopicPartition


def derived_id(input_id: str) -> str:
    digest = hashlib.sha256(f"{input_id}|demo.echoed.v1|echo".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--brokers", required=True)
    ap.add_argument("--from", dest="source", required=True)
    ap.add_argument("--to", dest="target", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--batch", type=int, default=2000)
    args = ap.parse_args()

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS applied(id TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, seen INTEGER NOT NULL, total INTEGER NOT NULL) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, topic TEXT, key BLOB, value BLOB, headers TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS offsets(topic TEXT, partition INTEGER, next INTEGER, PRIMARY KEY(topic, partition))")

    consumer = Consumer({"bootstrap.servers": args.brokers, "group.id": args.group, "enable.auto.commit": False,
                         "auto.offset.reset": "earliest", "session.timeout.ms": 6000})
    producer = Producer({"bootstrap.servers": args.brokers, "enable.idempotence": True, "acks": "all", "linger.ms": 5})

    def on_assign(c, partitions):
        # Start each partition at the store's next offset (the store, not the group, is the truth).
        stored = dict(((t, p), n) for t, p, n in db.execute("SELECT topic, partition, next FROM offsets"))
        for tp in partitions:
            if (tp.topic, tp.partition) in stored:
                tp.offset = stored[(tp.topic, tp.partition)]
        c.assign(partitions)

    consumer.subscribe([args.source], on_assign=on_assign)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    while not stopping:
        batch = consumer.consume(num_messages=args.batch, timeout=0.1)
        batch = [m for m in batch if m.error() is None]
        if not batch:
            continue
        nexts = {}
        db.execute("BEGIN")
        for m in batch:
            headers = dict((k, v.decode() if v is not None else None) for k, v in (m.headers() or []))
            input_id = headers.get("ce_id")
            nexts[(m.topic(), m.partition())] = m.offset() + 1
            if input_id is None or db.execute("INSERT OR IGNORE INTO applied(id) VALUES (?)", (input_id,)).rowcount == 0:
                continue
            payload = json.loads(m.value())
            key = (m.key() or b"-").decode()
            seen = db.execute("INSERT INTO state(key, seen, total) VALUES (?, 1, ?) "
                              "ON CONFLICT(key) DO UPDATE SET seen = seen + 1, total = total + excluded.total RETURNING seen",
                              (key, payload.get("n", 0))).fetchone()[0]
            out_headers = {"ce_specversion": "1.0", "ce_id": derived_id(input_id), "ce_source": "/peer/noop",
                           "ce_type": "demo.echoed.v1", "ce_time": headers.get("ce_time", ""), "ce_causationid": input_id,
                           "content-type": "application/json"}
            value = json.dumps({"n": payload.get("n", 0), "seen": seen}, sort_keys=True, separators=(",", ":")).encode()
            db.execute("INSERT INTO outbox(topic, key, value, headers) VALUES (?, ?, ?, ?)",
                       (args.target, m.key(), value, json.dumps(out_headers)))
        for (topic, partition), n in nexts.items():
            db.execute("INSERT INTO offsets(topic, partition, next) VALUES (?, ?, ?) "
                       "ON CONFLICT(topic, partition) DO UPDATE SET next = excluded.next", (topic, partition, n))
        db.execute("COMMIT")

        rows = db.execute("SELECT seq, topic, key, value, headers FROM outbox ORDER BY seq").fetchall()
        failed = []
        for seq, topic, key, value, headers in rows:
            producer.produce(topic, key=key, value=value, headers=list(json.loads(headers).items()),
                             on_delivery=lambda err, _msg, seq=seq: failed.append(seq) if err else None)
        producer.flush()
        if failed:
            print(f"peer-noop: {len(failed)} deliveries failed; they stay in the outbox", file=sys.stderr)
            continue
        if rows:
            db.execute("DELETE FROM outbox WHERE seq <= ?", (rows[-1][0],))
        consumer.commit(offsets=[TopicPartition(t, p, n) for (t, p), n in nexts.items()], asynchronous=False)

    # Everything applied is in the store and committed after each batch: leave at once (a group
    # leave can block for the session timeout, and the benchmark waits for the exit).
    producer.flush(5)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
