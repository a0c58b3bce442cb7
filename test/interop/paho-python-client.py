"""
The Eclipse Paho interoperability scenarios (paho.mqtt.testing client_test.py / client_test5.py),
driven by an independent, non-Node client: Debian's python3-paho-mqtt (Eclipse Paho Python 1.6).

Usage: python3 paho-python-client.py HOST PORT [--paho-config]
Prints one JSON line per check: {"check": name, "ok": bool, "detail": str}; exit code 0 when all
pass, 1 otherwise, 3 when the broker cannot be reached. --paho-config: the broker runs with
reference/interop/paho-broker.json (refused filter test/nosubscribe, Keep Alive at most 60).
Waits are bounded by events (a message, an acknowledgement), each with a timeout.
"""
import json
import socket
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

HOST = sys.argv[1]
PORT = int(sys.argv[2])
PAHO_CONFIG = "--paho-config" in sys.argv[3:]
TIMEOUT = 5.0
failures = 0


def report(check, ok, detail=""):
    global failures
    if not ok:
        failures += 1
    print(json.dumps({"check": check, "ok": bool(ok), "detail": str(detail)}), flush=True)


class Client:
    """A paho client with its network loop in a thread, recording CONNACK, messages and SUBACKs."""

    def __init__(self, client_id, v5=False, clean=True, properties=None, will=None, keepalive=60):
        self.v5 = v5
        self.messages = []
        self.subacks = []
        self.cond = threading.Condition()
        self.connack = None
        kwargs = {"protocol": mqtt.MQTTv5} if v5 else {"protocol": mqtt.MQTTv311, "clean_session": clean}
        self.c = mqtt.Client(client_id=client_id, **kwargs)
        self.c.on_connect = self._on_connect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        if will:
            topic, payload, qos, will_props = will
            self.c.will_set(topic, payload, qos, False, will_props)
        if v5:
            self.c.connect(HOST, PORT, keepalive, clean_start=clean, properties=properties)
        else:
            self.c.connect(HOST, PORT, keepalive)
        self.c.loop_start()
        self.wait(lambda: self.connack is not None, "CONNACK")

    def _on_connect(self, client, userdata, flags, rc, properties=None):
        with self.cond:
            self.connack = {"flags": flags, "rc": rc, "properties": properties}
            self.cond.notify_all()

    def _on_message(self, client, userdata, msg):
        with self.cond:
            self.messages.append(msg)
            self.cond.notify_all()

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        with self.cond:
            self.subacks.append(granted)
            self.cond.notify_all()

    def wait(self, predicate, what, timeout=TIMEOUT):
        with self.cond:
            if not self.cond.wait_for(predicate, timeout):
                raise TimeoutError("no %s within %s s" % (what, timeout))

    def subscribe(self, topic, qos=2, **kw):
        n = len(self.subacks)
        if self.v5:
            self.c.subscribe(topic, options=SubscribeOptions(qos=qos, noLocal=kw.get("no_local", False)), properties=kw.get("properties"))
        else:
            self.c.subscribe(topic, qos)
        self.wait(lambda: len(self.subacks) > n, "SUBACK")
        return self.subacks[-1]

    def publish(self, topic, payload, qos=0, retain=False, properties=None):
        info = self.c.publish(topic, payload, qos, retain, properties) if self.v5 else self.c.publish(topic, payload, qos, retain)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            raise TimeoutError("publish to %s not acknowledged" % topic)

    def wait_messages(self, count):
        self.wait(lambda: len(self.messages) >= count, "%d message(s)" % count)
        return self.messages

    def barrier(self, publisher, topic):
        """A QoS 2 message on a subscribed topic from `publisher`: what it published before has arrived."""
        publisher.publish(topic, b"barrier", 2)
        self.wait(lambda: any(m.topic == topic and m.payload == b"barrier" for m in self.messages), "the barrier message")
        return [m for m in self.messages if not (m.topic == topic and m.payload == b"barrier")]

    def disconnect(self, properties=None):
        self.c.disconnect(properties=properties) if self.v5 else self.c.disconnect()
        self.c.loop_stop()

    def terminate(self):
        """Drops the TCP connection without DISCONNECT."""
        sock = self.c.socket()
        self.c.loop_stop()  # the network thread ends without sending anything
        if sock:
            sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def props(kind, **values):
    p = Properties(kind)
    for k, v in values.items():
        setattr(p, k, v)
    return p


def check(name):
    def run(fn):
        try:
            fn()
            report(name, True)
        except Exception as e:  # a failed check is reported, the next one still runs
            report(name, False, "%s: %s" % (type(e).__name__, e))
        return fn

    return run


try:
    socket.create_connection((HOST, PORT), TIMEOUT).close()
except OSError as e:
    print(json.dumps({"check": "reachable", "ok": False, "detail": str(e)}), flush=True)
    sys.exit(3)


# ---------------------------------------------------------------- MQTT 3.1.1 (client_test.py)
@check("3.1.1 basic: QoS 0, 1 and 2 to itself")
def _():
    a = Client("myclientid")
    assert a.connack["rc"] == 0 and a.connack["flags"]["session present"] == 0, a.connack
    a.subscribe("TopicA", 2)
    for q in (0, 1, 2):
        a.publish("TopicA", b"qos %d" % q, q)
    got = a.wait_messages(3)
    assert [(m.payload, m.qos) for m in got] == [(b"qos 0", 0), (b"qos 1", 1), (b"qos 2", 2)], got
    a.disconnect()


@check("3.1.1 retained messages: delivered on subscribe, cleared by an empty payload")
def _():
    a = Client("myclientid")
    for t, q in (("TopicA/B", 0), ("Topic/C", 1), ("TopicA/C", 2)):
        a.publish(t, b"qos %d" % q, q, retain=True)
    a.subscribe("+/+", 2)
    got = a.wait_messages(3)
    assert sorted((m.topic, m.retain) for m in got) == [("Topic/C", 1), ("TopicA/B", 1), ("TopicA/C", 1)], got
    for t in ("TopicA/B", "Topic/C", "TopicA/C"):
        a.publish(t, b"", 1, retain=True)
    a.disconnect()
    b = Client("myclientid")
    b.subscribe("+/+", 2)
    rest = b.barrier(b, "TopicA/barrier")
    assert rest == [], [(m.topic, m.payload) for m in rest]
    b.disconnect()


@check("3.1.1 will: published when the connection drops")
def _():
    a = Client("myclientid", will=("Topic/C", b"client not disconnected", 0, None), keepalive=2)
    b = Client("myclientid2", clean=False)
    b.subscribe("Topic/C", 2)
    a.terminate()
    got = b.wait_messages(1)
    assert got[0].payload == b"client not disconnected", got
    b.disconnect()


@check("3.1.1 zero-length client id with clean session: accepted")
def _():
    z = Client("")
    assert z.connack["rc"] == 0, z.connack
    z.disconnect()


@check("3.1.1 offline message queueing: QoS 1 and 2 delivered on return, session present")
def _():
    a = Client("myclientid", clean=False)
    a.subscribe("+/+", 2)
    a.disconnect()
    b = Client("myclientid2")
    for t, q in (("TopicA/B", 0), ("Topic/C", 1), ("TopicA/C", 2)):
        b.publish(t, b"qos %d" % q, q)
    a = Client("myclientid", clean=False)
    assert a.connack["flags"]["session present"] == 1, a.connack
    got = a.barrier(b, "TopicA/barrier")
    assert [m.topic for m in got] == ["Topic/C", "TopicA/C"], [m.topic for m in got]
    a.disconnect()
    b.disconnect()
    Client("myclientid").disconnect()  # clean session: ends the persistent one


@check("3.1.1 $ topics: not matched by a wildcard; unsubscribe stops delivery")
def _():
    b = Client("myclientid2")
    b.subscribe("+/+", 2)
    b.publish("$TopicA/B", b"", 1)
    assert b.barrier(b, "TopicA/barrier") == []
    b.c.unsubscribe("+/+")
    b.subscribe("TopicA/B", 2)
    b.publish("TopicA/C", b"unsubscribed", 1)
    b.publish("TopicA/B", b"subscribed", 1)
    got = b.wait_messages(2)
    assert got[-1].payload == b"subscribed", [(m.topic, m.payload) for m in got]
    b.disconnect()


@check("3.1.1 subscribe failure: test/nosubscribe gets 0x80" if PAHO_CONFIG else "3.1.1 subscribe: test/nosubscribe granted (default configuration)")
def _():
    a = Client("myclientid")
    granted = a.subscribe("test/nosubscribe", 2)
    assert list(granted) == ([128] if PAHO_CONFIG else [2]), granted
    a.disconnect()


# ---------------------------------------------------------------- MQTT 5.0 (client_test5.py)
P5 = "client_test5/"


@check("5.0 assigned client identifier for an empty one")
def _():
    z = Client("", v5=True)
    assert z.connack["properties"].AssignedClientIdentifier, z.connack
    z.disconnect()


@check("5.0 user properties and retained messages keep them")
def _():
    a = Client("myclientid", v5=True)
    up = props(PacketTypes.PUBLISH, UserProperty=[("a", "2"), ("c", "3")])
    a.publish(P5 + "TopicA/B", b"retained", 1, retain=True, properties=up)
    a.subscribe(P5 + "+/+", 2)
    got = a.wait_messages(1)
    assert got[0].retain and got[0].properties.UserProperty == [("a", "2"), ("c", "3")], got[0].properties
    a.publish(P5 + "TopicA/B", b"", 1, retain=True)
    a.disconnect()


@check("5.0 subscription identifiers: one delivery with every matching identifier")
def _():
    b = Client("myclientid2", v5=True)
    b.subscribe(P5 + "TopicA", 2, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=2))
    b.subscribe(P5 + "TopicA/#", 2, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=3))
    b.publish(P5 + "TopicA", b"sub identifier test", 1)
    got = b.wait_messages(1)
    assert sorted(got[0].properties.SubscriptionIdentifier) == [2, 3], got[0].properties
    b.disconnect()


@check("5.0 request/response and No Local")
def _():
    a = Client("myclientid", v5=True)
    b = Client("myclientid2", v5=True)
    a.subscribe(P5 + "TopicA", 2, no_local=True)
    b.subscribe(P5 + "TopicA", 2, no_local=True)
    a.publish(P5 + "TopicA", b"request", 1, properties=props(PacketTypes.PUBLISH, ResponseTopic=P5 + "TopicA", CorrelationData=b"334"))
    req = b.wait_messages(1)[0]
    assert req.properties.ResponseTopic == P5 + "TopicA" and req.properties.CorrelationData == b"334", req.properties
    b.publish(req.properties.ResponseTopic, b"response", 1, properties=props(PacketTypes.PUBLISH, CorrelationData=req.properties.CorrelationData))
    res = a.wait_messages(1)[0]
    assert res.payload == b"response" and res.properties.CorrelationData == b"334", res.properties
    assert len(a.messages) == 1, "No Local: the request came back to its publisher"
    a.disconnect()
    b.disconnect()


@check("5.0 session expiry: present while the interval lasts, gone after DISCONNECT with 0")
def _():
    a = Client("myclientid", v5=True, properties=props(PacketTypes.CONNECT, SessionExpiryInterval=30))
    a.subscribe(P5 + "TopicA", 2)
    a.disconnect()
    a = Client("myclientid", v5=True, clean=False, properties=props(PacketTypes.CONNECT, SessionExpiryInterval=30))
    assert a.connack["flags"]["session present"] == 1, a.connack
    a.disconnect(properties=props(PacketTypes.DISCONNECT, SessionExpiryInterval=0))
    a = Client("myclientid", v5=True, clean=False)
    assert a.connack["flags"]["session present"] == 0, a.connack
    a.disconnect()


@check("5.0 will delay: the will waits for the delay")
def _():
    b = Client("myclientid2", v5=True)
    b.subscribe(P5 + "TopicA", 2)
    a = Client("myclientid", v5=True, properties=props(PacketTypes.CONNECT, SessionExpiryInterval=10),
               will=(P5 + "TopicA", b"will", 0, props(PacketTypes.WILLMESSAGE, WillDelayInterval=1)))
    a.terminate()
    started = time.monotonic()
    b.wait_messages(1)
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 2.5, elapsed
    b.disconnect()
    Client("myclientid", v5=True).disconnect()


@check("5.0 shared subscription: each message to one member")
def _():
    a = Client("myclientid", v5=True)
    b = Client("myclientid2", v5=True)
    for c in (a, b):
        c.subscribe("$share/sharename/" + P5 + "x", 2)
        c.subscribe(P5 + "TopicA", 2)
    for i in range(4):
        b.publish(P5 + "x", b"message %d" % i, 1)
    a.barrier(b, P5 + "TopicA")
    b.barrier(b, P5 + "TopicA")
    shared = sorted(m.payload for m in a.messages + b.messages if m.topic == P5 + "x")
    assert shared == [b"message %d" % i for i in range(4)], shared
    a.disconnect()
    b.disconnect()


@check("5.0 subscribe failure: test/nosubscribe gets 0x80" if PAHO_CONFIG else "5.0 subscribe: test/nosubscribe granted (default configuration)")
def _():
    a = Client("myclientid", v5=True)
    granted = a.subscribe("test/nosubscribe", 2)
    assert [g.value for g in granted] == ([0x80] if PAHO_CONFIG else [2]), granted
    a.disconnect()


@check("5.0 server keep alive: 120 lowered to 60" if PAHO_CONFIG else "5.0 server keep alive: none announced (default configuration)")
def _():
    a = Client("myclientid", v5=True, keepalive=120)
    ska = getattr(a.connack["properties"], "ServerKeepAlive", None)
    assert ska == (60 if PAHO_CONFIG else None), ska
    a.disconnect()


sys.exit(1 if failures else 0)
