@optional @needs:sys
Feature: $SYS topics
  Not part of MQTT 3.1.1: the broker's statistics under $SYS, as Mosquitto made them usual. The
  server publishes them retained, at an interval (the target's sysInterval bounds every wait),
  and their values follow what clients do. Clients cannot publish into $SYS. Informational: a
  failure here is never non-compliance.

  @v3.1.1
  Scenario: The broker publishes the usual $SYS topics
    Given "sys" is connected and subscribed to "$SYS/#" at QoS 0
    Then "sys" receives a PUBLISH on each of these topics within the $SYS interval:
      | $SYS/broker/version                    |
      | $SYS/broker/uptime                     |
      | $SYS/broker/time                       |
      | $SYS/broker/load/bytes/received        |
      | $SYS/broker/load/bytes/sent            |
      | $SYS/broker/clients/connected          |
      | $SYS/broker/clients/disconnected       |
      | $SYS/broker/clients/maximum            |
      | $SYS/broker/clients/total              |
      | $SYS/broker/messages/received          |
      | $SYS/broker/messages/sent              |
      | $SYS/broker/messages/publish/dropped   |
      | $SYS/broker/messages/publish/received  |
      | $SYS/broker/messages/publish/sent      |
      | $SYS/broker/messages/retained/count    |
      | $SYS/broker/subscriptions/count        |
    And the value of "$SYS/broker/version" read by "sys" is not empty
    And the value of "$SYS/broker/clients/connected" read by "sys" is a number of at least 0

  # Not @serial: other scenarios' traffic can only add to these counters, and uptime and time
  # move regardless, so nothing running beside it can make it fail or pass.
  @v3.1.1
  Scenario: The message and byte counters grow with the traffic; uptime and time move
    Given "sys" is connected
    And "sys" subscribes to:
      | filter                                 | qos |
      | $SYS/broker/messages/#                 | 0   |
      | $SYS/broker/load/bytes/#               | 0   |
      | $SYS/broker/uptime                     | 0   |
      | $SYS/broker/time                       | 0   |
    And "sys" reads the values of:
      | $SYS/broker/messages/received          |
      | $SYS/broker/messages/sent              |
      | $SYS/broker/messages/publish/received  |
      | $SYS/broker/messages/publish/sent      |
      | $SYS/broker/load/bytes/received        |
      | $SYS/broker/load/bytes/sent            |
      | $SYS/broker/uptime                     |
      | $SYS/broker/time                       |
    And "sub" is connected and subscribed to "sys/traffic" at QoS 1
    And "pub" is connected
    When "pub" publishes a 2000-byte message to "sys/traffic" at QoS 1
    And "pub" publishes 4 numbered messages to "sys/traffic" at QoS 1
    Then "sub" receives the 2000-byte message on "sys/traffic"
    And "sub" receives the 4 numbered messages on "sys/traffic" in order
    And "sys" sees "$SYS/broker/messages/publish/received" rise by at least 5 within the $SYS interval
    And "sys" sees "$SYS/broker/messages/publish/sent" rise by at least 5 within the $SYS interval
    And "sys" sees "$SYS/broker/messages/received" rise by at least 10 within the $SYS interval
    And "sys" sees "$SYS/broker/messages/sent" rise by at least 10 within the $SYS interval
    And "sys" sees "$SYS/broker/load/bytes/received" rise by at least 2000 within the $SYS interval
    And "sys" sees "$SYS/broker/load/bytes/sent" rise by at least 2000 within the $SYS interval
    And "sys" sees "$SYS/broker/uptime" rise by at least 1 within the $SYS interval
    And "sys" sees "$SYS/broker/time" change within the $SYS interval

  # @serial: clients of other scenarios connecting and leaving would move these counts either way.
  @v3.1.1 @serial @needs:retain
  Scenario: The client, subscription and retained-message counts follow what clients do
    Given "sys" is connected
    And "sys" subscribes to:
      | filter                                 | qos |
      | $SYS/broker/clients/#                  | 0   |
      | $SYS/broker/subscriptions/count        | 0   |
      | $SYS/broker/messages/retained/count    | 0   |
    And "sys" reads the current values of:
      | $SYS/broker/clients/connected          |
      | $SYS/broker/clients/total              |
      | $SYS/broker/subscriptions/count        |
      | $SYS/broker/clients/disconnected       |
      | $SYS/broker/messages/retained/count    |
    When "c1" is connected
    And "c2" is connected
    And "p" is connected with CleanSession 0
    And "pub" is connected
    And "c1" subscribes to:
      | filter | qos |
      | sys/a  | 0   |
      | sys/b  | 1   |
    And "pub" publishes "one" to "sys/retained/1" at QoS 1 with RETAIN set
    And "pub" publishes "two" to "sys/retained/2" at QoS 1 with RETAIN set
    Then "sys" sees "$SYS/broker/clients/connected" rise by at least 4 within the $SYS interval
    And "sys" sees "$SYS/broker/clients/total" rise by at least 4 within the $SYS interval
    And "sys" sees "$SYS/broker/subscriptions/count" rise by at least 2 within the $SYS interval
    And "sys" sees "$SYS/broker/messages/retained/count" rise by at least 2 within the $SYS interval
    And "sys" sees "$SYS/broker/clients/maximum" reach at least 5 within the $SYS interval
    When "c1" disconnects
    And "c2" disconnects
    And "p" disconnects
    And "pub" publishes an empty message to "sys/retained/1" at QoS 1 with RETAIN set
    And "pub" publishes an empty message to "sys/retained/2" at QoS 1 with RETAIN set
    Then "sys" sees "$SYS/broker/clients/connected" fall by at least 3 within the $SYS interval
    And "sys" sees "$SYS/broker/subscriptions/count" fall by at least 2 within the $SYS interval
    And "sys" sees "$SYS/broker/messages/retained/count" fall by at least 2 within the $SYS interval
    And "sys" sees "$SYS/broker/clients/disconnected" rise by at least 1 within the $SYS interval

  @v3.1.1 @serial @needs:retain
  Scenario: A client cannot publish into $SYS: the broker acknowledges and discards it, or closes the connection
    Given "intruder" is connected
    When "intruder" tries to publish "forged" to "$SYS/broker/version" at QoS 1 with RETAIN set
    And "late" is connected and subscribed to "$SYS/broker/version" at QoS 0
    Then "late" receives a retained PUBLISH on "$SYS/broker/version" whose payload is not "forged"
