Feature: Delivery guarantees under concurrency
  The guarantees of each QoS hold when many messages are in flight at once: every message the
  server acknowledged to its publisher (PUBACK, or PUBREC) reaches each matching QoS 1 or QoS 2
  subscription at least once, a QoS 2 message is passed on exactly once, and the messages one
  publisher sends on one topic at one QoS keep their order (MQTT 3.1.1 sections 4.3, 4.5, 4.6;
  MQTT 5.0 the same sections). Publishers here write all their messages back to back without
  waiting for any acknowledgement (in MQTT 5 up to the server's Receive Maximum); subscribers hold
  their acknowledgements back (up to the number given, or until the server stops sending, since a
  server may keep a window of unacknowledged deliveries), and a persistent subscriber drops its
  network connection in the middle and resumes its session.

  Messages are told apart by payload (`<publisher>:<qos>:<n>`), never by packet identifier. The
  subscriber follows the receiver's side of the protocol: a QoS 2 PUBLISH re-sent with the
  identifier of a message it has not yet released (no PUBREL yet) is the same message, not a new
  one. Each publisher ends every stream with a marker on the same topic at the same QoS: the
  barrier after which no earlier message of that stream may arrive.

  One rule per scenario: each Scenario Outline runs the same traffic once per rule (one Examples
  block each), so a broker that breaks one rule and keeps another is told apart.

  @needs:qos2
  Scenario Outline: One publisher pipelines 100 QoS 1 and 100 QoS 2 messages to a subscriber holding 50 deliveries unacknowledged: <rule> (<version>)
    Given "sub" is connected
    And "sub" subscribes to:
      | filter | qos |
      | cc/one | 1   |
      | cc/two | 2   |
    And "pub" is connected
    When these publishers send, pipelined without waiting for acknowledgements:
      | publisher | messages | qos | topic  |
      | pub       | 100      | 1   | cc/one |
      | pub       | 100      | 2   | cc/two |
    And "sub" receives them, holding up to 50 deliveries unacknowledged
    Then "sub" <check>

    @v3.1.1 @MQTT-4.5.0-1
    Examples: MQTT 3.1.1, nothing acknowledged is lost
      | version | rule | check |
      | 3.1.1 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v3.1.1 @MQTT-4.3.3-2 @MQTT-4.3.3-1
    Examples: MQTT 3.1.1, no QoS 2 message twice
      | version | rule | check |
      | 3.1.1 | no QoS 2 message twice | got no QoS 2 message twice |

    @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5
    Examples: MQTT 3.1.1, order per publisher
      | version | rule | check |
      | 3.1.1 | order per publisher | got the messages of each publisher in the order they were sent |

    @v5 @MQTT-4.5.0-1
    Examples: MQTT 5.0, nothing acknowledged is lost
      | version | rule | check |
      | 5.0 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v5 @MQTT-4.3.3-10 @MQTT-4.4.0-1
    Examples: MQTT 5.0, no QoS 2 message twice
      | version | rule | check |
      | 5.0 | no QoS 2 message twice | got no QoS 2 message twice |

    @v5 @MQTT-4.6.0-5
    Examples: MQTT 5.0, order per publisher
      | version | rule | check |
      | 5.0 | order per publisher | got the messages of each publisher in the order they were sent |

  @needs:qos2
  Scenario Outline: Three publishers each pipeline 100 QoS 1 and 100 QoS 2 messages at once to two subscribers holding deliveries unacknowledged: <rule> (<version>)
    Given "first" is connected
    And "first" subscribes to:
      | filter  | qos |
      | cm/one  | 2   |
      | cm/two  | 2   |
    And "second" is connected
    And "second" subscribes to:
      | filter  | qos |
      | cm/one  | 1   |
      | cm/two  | 2   |
    And "a" is connected
    And "b" is connected
    And "c" is connected
    When these publishers send, pipelined without waiting for acknowledgements:
      | publisher | messages | qos | topic  |
      | a         | 100      | 1   | cm/one |
      | a         | 100      | 2   | cm/two |
      | b         | 100      | 1   | cm/one |
      | b         | 100      | 2   | cm/two |
      | c         | 100      | 1   | cm/one |
      | c         | 100      | 2   | cm/two |
    # Both read at once, each holding its own acknowledgements back (one bound to wait, not two).
    And "first" and "second" receive them at the same time, holding up to 100 and 20 deliveries unacknowledged
    Then "first" <check>
    And "second" <check>

    @v3.1.1 @MQTT-4.5.0-1
    Examples: MQTT 3.1.1, nothing acknowledged is lost
      | version | rule | check |
      | 3.1.1 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v3.1.1 @MQTT-4.3.3-2 @MQTT-4.3.3-1
    Examples: MQTT 3.1.1, no QoS 2 message twice
      | version | rule | check |
      | 3.1.1 | no QoS 2 message twice | got no QoS 2 message twice |

    @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5
    Examples: MQTT 3.1.1, order per publisher
      | version | rule | check |
      | 3.1.1 | order per publisher | got the messages of each publisher in the order they were sent |

    @v5 @MQTT-4.5.0-1
    Examples: MQTT 5.0, nothing acknowledged is lost
      | version | rule | check |
      | 5.0 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v5 @MQTT-4.3.3-10 @MQTT-4.4.0-1
    Examples: MQTT 5.0, no QoS 2 message twice
      | version | rule | check |
      | 5.0 | no QoS 2 message twice | got no QoS 2 message twice |

    @v5 @MQTT-4.6.0-5
    Examples: MQTT 5.0, order per publisher
      | version | rule | check |
      | 5.0 | order per publisher | got the messages of each publisher in the order they were sent |

  @needs:qos2
  Scenario Outline: A persistent subscriber drops its connection with deliveries unacknowledged in the middle of two publishers' pipelined QoS 1 and QoS 2 messages, and resumes: <rule> (<version>)
    Given "sub" is connected with a persistent session
    And "sub" subscribes to:
      | filter | qos |
      | cr/one | 1   |
      | cr/two | 2   |
    And "a" is connected
    And "b" is connected
    When these publishers send, pipelined without waiting for acknowledgements:
      | publisher | messages | qos | topic  |
      | a         | 100      | 1   | cr/one |
      | a         | 100      | 2   | cr/two |
      | b         | 100      | 1   | cr/one |
      | b         | 100      | 2   | cr/two |
    And "sub" receives them, holding up to 30 deliveries unacknowledged, and drops and resumes its session after 150 of them
    Then "sub" <check>

    @v3.1.1 @MQTT-4.5.0-1 @MQTT-3.1.2-5 @MQTT-4.4.0-1
    Examples: MQTT 3.1.1, nothing acknowledged is lost
      | version | rule | check |
      | 3.1.1 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v3.1.1 @MQTT-4.3.3-2 @MQTT-4.3.3-1
    Examples: MQTT 3.1.1, no QoS 2 message twice
      | version | rule | check |
      | 3.1.1 | no QoS 2 message twice | got no QoS 2 message twice |

    @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5
    Examples: MQTT 3.1.1, order per publisher
      | version | rule | check |
      | 3.1.1 | order per publisher | got the messages of each publisher in the order they were sent |

    @v5 @MQTT-4.5.0-1 @MQTT-4.4.0-1
    Examples: MQTT 5.0, nothing acknowledged is lost
      | version | rule | check |
      | 5.0 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v5 @MQTT-4.3.3-10 @MQTT-4.4.0-1
    Examples: MQTT 5.0, no QoS 2 message twice
      | version | rule | check |
      | 5.0 | no QoS 2 message twice | got no QoS 2 message twice |

    @v5 @MQTT-4.6.0-5
    Examples: MQTT 5.0, order per publisher
      | version | rule | check |
      | 5.0 | order per publisher | got the messages of each publisher in the order they were sent |

  Scenario Outline: Three publishers each pipeline 100 QoS 1 messages at once to a subscriber holding 50 deliveries unacknowledged: <rule> (<version>)
    Given "sub" is connected and subscribed to "cq/one" at QoS 1
    And "a" is connected
    And "b" is connected
    And "c" is connected
    When these publishers send, pipelined without waiting for acknowledgements:
      | publisher | messages | qos | topic  |
      | a         | 100      | 1   | cq/one |
      | b         | 100      | 1   | cq/one |
      | c         | 100      | 1   | cq/one |
    And "sub" receives them, holding up to 50 deliveries unacknowledged
    Then "sub" <check>

    @v3.1.1 @MQTT-4.5.0-1
    Examples: MQTT 3.1.1, nothing acknowledged is lost
      | version | rule | check |
      | 3.1.1 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5
    Examples: MQTT 3.1.1, order per publisher
      | version | rule | check |
      | 3.1.1 | order per publisher | got the messages of each publisher in the order they were sent |

    @v5 @MQTT-4.5.0-1
    Examples: MQTT 5.0, nothing acknowledged is lost
      | version | rule | check |
      | 5.0 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v5 @MQTT-4.6.0-5
    Examples: MQTT 5.0, order per publisher
      | version | rule | check |
      | 5.0 | order per publisher | got the messages of each publisher in the order they were sent |

  Scenario Outline: A persistent QoS 1 subscriber drops its connection with deliveries unacknowledged in the middle of two publishers' pipelined messages, and resumes: <rule> (<version>)
    Given "sub" is connected with a persistent session
    And "sub" is subscribed to "cs/one" at QoS 1
    And "a" is connected
    And "b" is connected
    When these publishers send, pipelined without waiting for acknowledgements:
      | publisher | messages | qos | topic  |
      | a         | 100      | 1   | cs/one |
      | b         | 100      | 1   | cs/one |
    And "sub" receives them, holding up to 30 deliveries unacknowledged, and drops and resumes its session after 80 of them
    Then "sub" <check>

    @v3.1.1 @MQTT-4.5.0-1 @MQTT-3.1.2-5 @MQTT-4.4.0-1
    Examples: MQTT 3.1.1, nothing acknowledged is lost
      | version | rule | check |
      | 3.1.1 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v3.1.1 @MQTT-4.6.0-6 @MQTT-4.6.0-5
    Examples: MQTT 3.1.1, order per publisher
      | version | rule | check |
      | 3.1.1 | order per publisher | got the messages of each publisher in the order they were sent |

    @v5 @MQTT-4.5.0-1 @MQTT-4.4.0-1
    Examples: MQTT 5.0, nothing acknowledged is lost
      | version | rule | check |
      | 5.0 | nothing acknowledged is lost | got every message the server acknowledged to its publisher |

    @v5 @MQTT-4.6.0-5
    Examples: MQTT 5.0, order per publisher
      | version | rule | check |
      | 5.0 | order per publisher | got the messages of each publisher in the order they were sent |
