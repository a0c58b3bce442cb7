#!/usr/bin/env python3
"""Adapter for Eclipse Paho Python (Debian python3-paho-mqtt): reads JSON-line instructions on
stdin, drives one paho.mqtt.client.Client against HOST PORT and prints what happens as JSON lines
on stdout (protocol: harness/clients/adapters/README.md)."""
import json
import os
import signal
import sys
import threading

import paho.mqtt
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

if len(sys.argv) < 3:
    sys.stderr.write("usage: paho.py HOST PORT\n")
    sys.exit(2)
HOST, PORT = sys.argv[1], int(sys.argv[2])
LOCK = threading.Lock()


def emit(obj):
    with LOCK:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


emit({"event": "hello", "library": "Eclipse Paho Python", "version": paho.mqtt.__version__})
client = None
version = 4
# Instructions after "connect" wait for the first CONNACK, so that every adapter (the Mosquitto
# programs connect only to publish or subscribe) sees the same order: CONNECT, then the operations.
pending = []


def on_connect(c, userdata, flags, rc, properties=None):
    global pending
    emit({"event": "connected", "sessionPresent": bool(flags.get("session present", 0))})
    with LOCK:
        held, pending = pending, None
    for cmd in held or []:
        HANDLERS[cmd["op"]](cmd)


def on_disconnect(c, userdata, rc, properties=None):
    emit({"event": "closed", "reason": str(rc)})


def on_message(c, userdata, msg):
    emit({"event": "message", "topic": msg.topic, "payload": msg.payload.decode("utf-8", "replace"), "qos": msg.qos, "retain": bool(msg.retain)})


def on_publish(c, userdata, mid):
    emit({"event": "published", "mid": mid})


def connect(cmd):
    global client, version
    version = cmd["version"]
    protocol = mqtt.MQTTv5 if version == 5 else mqtt.MQTTv311
    if version == 5:
        client = mqtt.Client(client_id=cmd["clientId"], protocol=protocol)
    else:
        client = mqtt.Client(client_id=cmd["clientId"], clean_session=cmd["clean"], protocol=protocol)
    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    client.on_message = on_message
    client.on_publish = on_publish
    client.reconnect_delay_set(1, 1)
    if "username" in cmd:
        client.username_pw_set(cmd["username"], cmd.get("password"))
    if "will" in cmd:
        w = cmd["will"]
        client.will_set(w["topic"], w["payload"], w["qos"], w["retain"])
    kwargs = {}
    if version == 5:
        props = Properties(PacketTypes.CONNECT)
        if "sessionExpiry" in cmd:
            props.SessionExpiryInterval = cmd["sessionExpiry"]
        if "receiveMaximum" in cmd:
            props.ReceiveMaximum = cmd["receiveMaximum"]
        if "maximumPacketSize" in cmd:
            props.MaximumPacketSize = cmd["maximumPacketSize"]
        if "topicAliasMaximum" in cmd:
            props.TopicAliasMaximum = cmd["topicAliasMaximum"]
        if "authMethod" in cmd:
            props.AuthenticationMethod = cmd["authMethod"]
        kwargs["clean_start"] = cmd["clean"]
        kwargs["properties"] = props
    try:
        client.connect(HOST, PORT, cmd["keepalive"], **kwargs)
    except Exception as e:  # the library refused or could not connect
        emit({"event": "error", "message": str(e)})
        return
    if cmd.get("reconnect", True):
        client.loop_start()
    else:
        threading.Thread(target=loop_once_connected, daemon=True).start()


def loop_once_connected():
    # Without reconnect: run the network loop until the connection ends, then stop.
    while True:
        rc = client.loop(0.1)
        if rc != mqtt.MQTT_ERR_SUCCESS:
            emit({"event": "closed", "reason": mqtt.error_string(rc)})
            return


def publish(cmd):
    kwargs = {}
    if version == 5 and "topicAlias" in cmd:
        props = Properties(PacketTypes.PUBLISH)
        props.TopicAlias = cmd["topicAlias"]
        kwargs["properties"] = props
    try:
        info = client.publish(cmd["topic"], cmd["payload"], cmd["qos"], cmd["retain"], **kwargs)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN, mqtt.MQTT_ERR_QUEUE_SIZE):
            emit({"event": "refused", "op": "publish", "reason": mqtt.error_string(info.rc)})
    except Exception as e:
        emit({"event": "refused", "op": "publish", "reason": str(e)})


def subscribe(cmd):
    try:
        rc, _ = client.subscribe(cmd["topic"], cmd["qos"])
        if rc != mqtt.MQTT_ERR_SUCCESS:
            emit({"event": "refused", "op": "subscribe", "reason": mqtt.error_string(rc)})
    except Exception as e:
        emit({"event": "refused", "op": "subscribe", "reason": str(e)})


def stop(*_):
    # No DISCONNECT on the way out: the scenario ends the connection, not the adapter.
    sys.stdout.flush()
    os._exit(0)


signal.signal(signal.SIGTERM, stop)
HANDLERS = {
    "connect": connect,
    "publish": publish,
    "subscribe": subscribe,
    "unsubscribe": lambda c: client.unsubscribe(c["topic"]),
    "disconnect": lambda c: client.disconnect(),
}
for line in sys.stdin:
    if not line.strip():
        continue
    cmd = json.loads(line)
    handler = HANDLERS.get(cmd.get("op"))
    if handler is None:
        emit({"event": "unsupported", "op": str(cmd.get("op")), "reason": "unknown instruction"})
    elif cmd["op"] != "connect" and client is None:
        emit({"event": "error", "message": '"%s" before "connect"' % cmd["op"]})
    else:
        with LOCK:
            if pending is not None and cmd["op"] != "connect":
                pending.append(cmd)
                continue
        handler(cmd)
stop()
