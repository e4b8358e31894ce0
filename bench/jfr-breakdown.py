#!/usr/bin/env python3
"""Where a JFR recording's CPU samples and fsyncs go, in a few buckets.
Usage: bench/jfr-breakdown.py recording.jfr   (uses $JAVA_HOME/bin/jfr)"""
import collections, json, os, subprocess, sys

jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jfr")
events = json.loads(subprocess.run([jfr, "print", "--json", "--stack-depth", "128", "--events",
                                    "jdk.ExecutionSample,jdk.FileForce,jdk.JavaExceptionThrow", sys.argv[1]],
                                   capture_output=True, check=True, text=True).stdout)["recording"]["events"]

def frames(e):
    st = e["values"].get("stackTrace")
    return [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in (st["frames"] if st else [])]

RULES = [  # the innermost frame that matches decides; checked in this order per frame
    ("RaftDriver.persist", "raft loop: persist + fsync"), ("RaftStorage", "raft loop: persist + fsync"),
    ("RaftDriver.apply", "raft loop: apply to the state machine"), ("statemachine", "raft loop: apply to the state machine"),
    ("consensus.raft.", "raft loop: Raft core"), ("RaftDriver", "raft loop: other"),
    ("MessageCodec", "peer transport: encode/decode"), ("jdk.internal.net.http", "peer transport: JDK HttpClient"),
    ("PeerSender", "peer transport: JDK HttpClient"), ("tools.jackson", "client API: Jackson JSON"),
    ("BodyLimitFilter.readAtMost", "client API: BodyLimitFilter copy"), ("micrometer", "Micrometer observation/metrics"),
    ("hibernate.validator", "client API: bean validation"), ("org.apache.tomcat", "Tomcat (HTTP parsing, sockets)"),
    ("org.apache.coyote", "Tomcat (HTTP parsing, sockets)"), ("org.apache.catalina", "Tomcat (HTTP parsing, sockets)"),
    ("springframework", "Spring MVC dispatch, filters, converters"), ("LeaderRouter", "client API: controllers, routing"),
    ("dev.quorumcommit", "client API: controllers, routing"), ("VirtualThread", "virtual-thread scheduling"),
    ("ForkJoin", "virtual-thread scheduling"), ("Continuation", "virtual-thread scheduling"),
]

def bucket(names):
    for name in names:
        for needle, label in RULES:
            if needle in name:
                return label
    return "other: " + (names[0] if names else "?")

samples = [e for e in events if e["type"] == "jdk.ExecutionSample"]
cats = collections.Counter(bucket(frames(e)) for e in samples)
print(f"{len(samples)} CPU samples")
for k, n in cats.most_common(14):
    print(f"  {n:5d} {100 * n / max(1, len(samples)):5.1f}%  {k}")
def ms(e):
    d = e["values"]["duration"]
    return float(d[2:-1]) * 1000 if d.startswith("PT") and d.endswith("S") else 0.0
ff = sorted(ms(e) for e in events if e["type"] == "jdk.FileForce")
if ff:
    print(f"fsyncs (jdk.FileForce over the threshold): {len(ff)}, median {ff[len(ff)//2]:.1f} ms, "
          f"p90 {ff[int(len(ff)*.9)]:.1f} ms, max {ff[-1]:.1f} ms, total {sum(ff)/1000:.1f} s")
ex = collections.Counter(e["values"]["thrownClass"]["name"].split("/")[-1] for e in events
                         if e["type"] == "jdk.JavaExceptionThrow" and e["values"].get("thrownClass"))
print("exceptions constructed:", ", ".join(f"{k} {n}" for k, n in ex.most_common(4)))
