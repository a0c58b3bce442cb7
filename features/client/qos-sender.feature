@client
Feature: Client: QoS 1 and 2 flows as the sender

  Scenario Outline: Each new QoS <qos> message gets a packet identifier not in use, with DUP 0 (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "one" to "t/a" at QoS <qos>
    And the client is told to publish "two" to "t/a" at QoS <qos>
    When the server accepts the connection
    Then the server receives the PUBLISH of "one" on "t/a" at QoS <qos>
    And it has DUP 0 and a non-zero packet identifier
    And the server receives the PUBLISH of "two" on "t/a" at QoS <qos>
    And it has DUP 0 and a non-zero packet identifier
    And the two PUBLISH packets have different packet identifiers

    @v3.1.1 @MQTT-2.3.1-1 @MQTT-2.3.1-2 @MQTT-4.3.2-1
    Examples: MQTT 3.1.1, QoS 1
      | version | qos |
      | 3.1.1 | 1 |

    @v3.1.1 @MQTT-2.3.1-1 @MQTT-2.3.1-2 @MQTT-4.3.3-1
    Examples: MQTT 3.1.1, QoS 2
      | version | qos |
      | 3.1.1 | 2 |

    @v5 @MQTT-2.2.1-3 @MQTT-4.3.2-1 @MQTT-4.3.2-2
    Examples: MQTT 5.0, QoS 1
      | version | qos |
      | 5.0 | 1 |

    @v5 @MQTT-2.2.1-3 @MQTT-4.3.3-1 @MQTT-4.3.3-2
    Examples: MQTT 5.0, QoS 2
      | version | qos |
      | 5.0 | 2 |

  Scenario Outline: A QoS 2 sender answers PUBREC with PUBREL carrying the PUBLISH's identifier (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "one" to "t/a" at QoS 2
    When the server accepts the connection
    And the server receives the PUBLISH of "one" on "t/a" at QoS 2
    And the server acknowledges it
    Then the server receives PUBREL for it

    @v3.1.1 @MQTT-4.3.3-1 @MQTT-2.3.1-6
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-4.3.3-4 @MQTT-2.2.1-5
    Examples: MQTT 5.0
      | version |
      | 5.0 |

  @needs:session
  Scenario Outline: On reconnection the client re-sends an unacknowledged QoS <qos> PUBLISH with DUP 1 and its packet identifier (MQTT <version>)
    Given the client is told to connect with a persistent session
    And the client is told to publish "one" to "t/a" at QoS <qos>
    When the server accepts the connection
    And the server receives the PUBLISH of "one" on "t/a" at QoS <qos>
    And the server drops the connection
    And the client reconnects and the server resumes its session
    Then the server receives the PUBLISH again with DUP 1 and the same packet identifier

    @v3.1.1 @MQTT-4.4.0-1 @MQTT-3.3.1-1 @MQTT-2.3.1-3 @MQTT-4.1.0-1
    Examples: MQTT 3.1.1
      | version | qos |
      | 3.1.1 | 1 |
      | 3.1.1 | 2 |

    @v5 @MQTT-4.4.0-1 @MQTT-3.3.1-1 @MQTT-3.1.2-23 @MQTT-4.3.2-3 @MQTT-4.3.3-3
    Examples: MQTT 5.0
      | version | qos |
      | 5.0 | 1 |
      | 5.0 | 2 |

  @needs:session
  Scenario Outline: On reconnection the client re-sends PUBREL, not the PUBLISH, for a message the server received (MQTT <version>)
    Given the client is told to connect with a persistent session
    And the client is told to publish "one" to "t/a" at QoS 2
    When the server accepts the connection
    And the server receives the PUBLISH of "one" on "t/a" at QoS 2
    And the server acknowledges it
    And the server receives PUBREL for it
    And the server drops the connection
    And the client reconnects and the server resumes its session
    Then the server receives PUBREL for it again and no PUBLISH before it

    @v3.1.1 @MQTT-4.4.0-1 @MQTT-4.3.3-1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-4.4.0-1 @MQTT-4.3.3-6 @MQTT-4.3.3-5
    Examples: MQTT 5.0
      | version |
      | 5.0 |

  # A client may re-send one message at a time, waiting for each acknowledgement: the server acknowledges each.
  @needs:session
  Scenario Outline: On reconnection the client re-sends its unacknowledged PUBLISH packets in the order it first sent them (MQTT <version>)
    Given the client is told to connect with a persistent session
    And the client is told to publish "one" to "t/a" at QoS 1
    And the client is told to publish "two" to "t/a" at QoS 1
    And the client is told to publish "three" to "t/a" at QoS 1
    When the server accepts the connection
    And the server receives the PUBLISH packets of "one", "two" and "three" on "t/a" at QoS 1
    And the server drops the connection
    And the client reconnects and the server resumes its session
    Then the server receives the PUBLISH packets of "one", "two" and "three" again in that order, acknowledging each

    @v3.1.1 @MQTT-4.6.0-1 @MQTT-4.4.0-1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-4.6.0-1 @MQTT-4.4.0-1
    Examples: MQTT 5.0
      | version |
      | 5.0 |

  Scenario Outline: A QoS 2 sender sends its PUBRELs in the order the PUBRECs arrived (MQTT <version>)
    Given the client is told to connect with Keep Alive 60
    And the client is told to publish "one" to "t/a" at QoS 2
    And the client is told to publish "two" to "t/a" at QoS 2
    And the client is told to publish "three" to "t/a" at QoS 2
    When the server accepts the connection
    And the server receives the PUBLISH packets of "one", "two" and "three" on "t/a" at QoS 2
    And the server sends PUBREC for the PUBLISH packets of "three", "one" and "two"
    Then the server receives PUBREL for the PUBLISH packets of "three", "one" and "two" in that order

    @v3.1.1 @MQTT-4.6.0-4 @MQTT-4.3.3-1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1 |

    @v5 @MQTT-4.6.0-4 @MQTT-4.3.3-4
    Examples: MQTT 5.0
      | version |
      | 5.0 |
