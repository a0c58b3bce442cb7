Feature: UNSUBSCRIBE and UNSUBACK
  The server compares each filter of an UNSUBSCRIBE character by character with the client's
  filters and deletes only an identical one; it stops sending new messages for it but completes
  the QoS 1 and 2 deliveries it has started; it answers with an UNSUBACK carrying the packet
  identifier, even when nothing was deleted, and with one UNSUBACK for several filters (MQTT 3.1.1
  sections 3.10 and 3.11).

  @MQTT-3.10.4-4 @MQTT-2.3.1-7
  Scenario Outline: UNSUBSCRIBE is answered by an UNSUBACK carrying its packet identifier <id> (<version>)
    Given "c" is connected and subscribed to "u/id" at QoS 1
    When "c" sends UNSUBSCRIBE with packet identifier <id> for "u/id"
    Then "c" receives UNSUBACK with packet identifier <id>

    @v3.1.1
    Examples: MQTT 3.1.1
      | version | id    |
      | 3.1.1   | 1     |
      | 3.1.1   | 4660  |
      | 3.1.1   | 65535 |

    @v3.1
    Examples: MQTT 3.1
      | version | id    |
      | 3.1     | 4660  |

  @MQTT-3.10.4-5 @MQTT-3.10.4-4
  Scenario Outline: UNSUBSCRIBE for a filter the client is not subscribed to is still answered by an UNSUBACK (<version>)
    Given "c" is connected
    When "c" sends UNSUBSCRIBE with packet identifier 321 for "u/never"
    Then "c" receives UNSUBACK with packet identifier 321

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @MQTT-3.10.4-2 @MQTT-3.10.4-1
  Scenario Outline: After UNSUBACK no new message is sent for the deleted subscription (<version>)
    Given "sub" is connected and subscribed to "u/gone" at QoS 1
    And "pub" is connected
    When "pub" publishes "before" to "u/gone" at QoS 1
    Then "sub" receives "before" on "u/gone"
    When "sub" unsubscribes from "u/gone"
    And "pub" publishes "after" to "u/gone" at QoS 1
    Then "sub" does not receive "after" on "u/gone"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @v3.1.1 @MQTT-3.10.4-1 @needs:wildcards
  Scenario Outline: Only an identical filter is deleted; wildcards are compared as characters (<unsubscribed>)
    Given "sub" is connected and subscribed to "u/+" at QoS 1
    And "pub" is connected
    When "sub" unsubscribes from "<unsubscribed>"
    And "pub" publishes "still subscribed" to "u/a" at QoS 1
    Then "sub" receives "still subscribed" on "u/a"

    Examples:
      | unsubscribed |
      | u/a          |
      | u/#          |
      | U/+          |
      | u/+/         |

  @v3.1.1 @MQTT-3.10.4-1 @MQTT-3.10.4-2 @needs:wildcards
  Scenario: An identical wildcard filter is deleted, while another subscription stays
    Given "sub" is connected
    And "sub" subscribes to:
      | filter | qos |
      | u/+    | 1   |
      | u/b    | 1   |
    And "pub" is connected
    When "sub" unsubscribes from "u/+"
    And "pub" publishes "via u/+ only" to "u/a" at QoS 1
    And "pub" publishes "via u/b" to "u/b" at QoS 1
    Then "sub" receives "via u/b" on "u/b"
    And "sub" does not receive "via u/+ only" on "u/a"

  @MQTT-3.10.4-6 @MQTT-3.10.4-4 @MQTT-3.10.4-2
  Scenario Outline: An UNSUBSCRIBE with several filters deletes each and is answered by one UNSUBACK (<version>)
    Given "sub" is connected
    And "sub" subscribes to:
      | filter | qos |
      | u/a    | 1   |
      | u/b    | 1   |
      | u/c    | 1   |
    And "pub" is connected
    When "sub" unsubscribes from "u/a" and "u/b" in one UNSUBSCRIBE
    And "pub" publishes "to a" to "u/a" at QoS 1
    And "pub" publishes "to b" to "u/b" at QoS 1
    And "pub" publishes "to c" to "u/c" at QoS 1
    Then "sub" receives "to c" on "u/c"
    And "sub" does not receive "to a" on "u/a"
    And "sub" does not receive "to b" on "u/b"

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  @MQTT-3.10.4-3 @MQTT-4.3.3-1 @needs:qos2
  Scenario Outline: A QoS 2 delivery started before the UNSUBSCRIBE is completed after it (<version>)
    Given "sub" is connected and subscribed to "u/flight" at QoS 2
    And "pub" is connected
    When "pub" publishes "in flight" to "u/flight" at QoS 2
    Then "sub" receives a PUBLISH on "u/flight" with QoS 2 and payload "in flight" without acknowledging it
    When "sub" unsubscribes from "u/flight"
    And "sub" sends PUBREC for the PUBLISH
    Then "sub" receives PUBREL for the PUBLISH
    When "sub" sends PUBCOMP for the PUBLISH
    Then "sub" remains connected

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |
