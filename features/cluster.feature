@cluster @needs:cluster
Feature: A clustered broker is one server
  A cluster presents several network endpoints ("nodes") of one MQTT server. The specification
  knows one Server: none of its rules relaxes because two clients reached it through different
  nodes. Each scenario places its clients on named nodes; against a target with one endpoint these
  scenarios are not applicable. Two independent brokers presented as one cluster fail them.

  Scenario Outline: A message published on one node reaches a subscriber on another at its QoS (<version>, QoS <qos>)
    Given "sub" is on node 2
    And "sub" is connected and subscribed to "c/a" at QoS <qos>
    And "pub" is on node 1
    And "pub" is connected
    When "pub" publishes "across" to "c/a" at QoS <qos>
    Then "sub" receives "across" on "c/a" at QoS <qos> exactly once

    @v3.1.1 @MQTT-4.5.0-1 @MQTT-3.8.4-6
    Examples: MQTT 3.1.1
      | version | qos |
      | 3.1.1   | 0   |
      | 3.1.1   | 1   |
      | 3.1.1   | 2   |

    @v5 @MQTT-4.5.0-1
    Examples: MQTT 5.0
      | version | qos |
      | 5.0     | 0   |
      | 5.0     | 1   |
      | 5.0     | 2   |

  Scenario Outline: Messages of one publisher keep their order through another node (<version>, QoS <qos>)
    Given "sub" is on node 2
    And "sub" is connected and subscribed to "c/o" at QoS <qos>
    And "pub" is on node 1
    And "pub" is connected
    When "pub" publishes 20 numbered messages to "c/o" at QoS <qos>
    Then "sub" receives the 20 numbered messages on "c/o" in order

    @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5
    Examples: MQTT 3.1.1
      | version | qos |
      | 3.1.1   | 1   |
      | 3.1.1   | 2   |

    @v5 @MQTT-4.6.0-6 @MQTT-4.6.0-5
    Examples: MQTT 5.0
      | version | qos |
      | 5.0     | 1   |
      | 5.0     | 2   |

  Scenario Outline: A client identifier is unique across nodes: a connection on another node takes over, with the will (<version>)
    Given "watcher" is on node 2
    And "watcher" is connected and subscribed to "c/will" at QoS 1
    And "first" is on node 1
    And "first" is connected with the will "first is gone" on "c/will" at QoS 1
    And "second" is on node 2
    When "second" connects with the client identifier of "first"
    Then the server accepts the connection of "second"
    And the server closes the connection of "first"
    And "watcher" receives "first is gone" on "c/will" at QoS 1 exactly once
    And "second" remains connected

    @v3.1.1 @MQTT-3.1.4-2 @MQTT-3.1.2-8
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v5 @MQTT-3.1.4-3 @MQTT-3.1.2-8
    Examples: MQTT 5.0
      | version |
      | 5.0     |

  Scenario Outline: A persistent session and its queued messages follow the client to another node (3.1.1, QoS <qos>)
    Given "c" is on node 1
    And "c" is connected with CleanSession 0 and subscribed to "c/q" at QoS <qos>
    And "c" disconnects
    And "pub" is on node 2
    And "pub" is connected
    When "pub" publishes "kept for you" to "c/q" at QoS <qos>
    And "c" is on node 2
    And "c" reconnects with CleanSession 0
    Then the server accepts the connection of "c" with Session Present 1
    And "c" receives "kept for you" on "c/q" at QoS <qos> exactly once

    @v3.1.1 @MQTT-3.1.2-4 @MQTT-3.2.2-2 @MQTT-3.1.2-5
    Examples: MQTT 3.1.1
      | qos |
      | 1   |
      | 2   |

  @v5 @MQTT-3.1.2-5 @MQTT-3.2.2-3 @MQTT-4.5.0-1
  Scenario: A session with a Session Expiry Interval and its queued message follow the client to another node (5.0)
    Given "c" is on node 1
    And "c" is connected with Session Expiry Interval 60
    And "c" subscribes to "c/q5" at QoS 2
    And "c" disconnects
    And "pub" is on node 2
    And "pub" is connected
    When "pub" publishes "kept for you" to "c/q5" at QoS 2
    And "c" is on node 2
    And "c" reconnects with Clean Start 0 and Session Expiry Interval 60
    Then "c" receives CONNACK 0x00 with Session Present 1
    And "c" receives "kept for you" on "c/q5" at QoS 2 exactly once

  Scenario Outline: A retained message published on one node is sent to a new subscription on another (<version>)
    Given "pub" is on node 1
    And "pub" is connected
    And "pub" publishes "last known" to "c/r" at QoS 1 with RETAIN set
    And "sub" is on node 2
    When "sub" is connected and subscribed to "c/r" at QoS 1
    Then "sub" receives "last known" on "c/r" at QoS 1 exactly once

    @v3.1.1 @MQTT-3.3.1-6
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v5 @MQTT-3.3.1-9
    Examples: MQTT 5.0
      | version |
      | 5.0     |

  Scenario Outline: A will is published to subscribers on other nodes (<version>)
    Given "sub" is on node 2
    And "sub" is connected and subscribed to "c/w" at QoS 1
    And "w" is on node 1
    And "w" is connected with the will "lost" on "c/w" at QoS 1
    When "w" closes the network connection without sending DISCONNECT
    Then "sub" receives "lost" on "c/w" at QoS 1 exactly once

    @v3.1.1 @MQTT-3.1.2-8
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v5 @MQTT-3.1.2-8
    Examples: MQTT 5.0
      | version |
      | 5.0     |

  @v5 @MQTT-4.5.0-1 @MQTT-4.8.2-3 @needs:shared-subscriptions @needs:qos1
  Scenario: A shared subscription whose members are on another node gets each message once
    Given "a" is on node 2
    And "a" is connected
    And "a" subscribes to the shared subscription "$share/{ns}/{ns}/c/s" at QoS 1
    And "b" is on node 2
    And "b" is connected
    And "b" subscribes to the shared subscription "$share/{ns}/{ns}/c/s" at QoS 1
    And "pub" is on node 1
    And "pub" is connected
    When "pub" publishes 10 numbered messages to "c/s" at QoS 1
    Then the 10 numbered messages on "c/s" reach "a" or "b", each exactly once, at the QoS each was granted
