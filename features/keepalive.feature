Feature: Keep alive
  A client with a non-zero Keep Alive that stays silent for one and a half times that period is
  disconnected by the server as if the network had failed; PINGREQ keeps the connection alive
  and is always answered with PINGRESP (MQTT 3.1.1 sections 3.1.2.10, 3.12, 3.13).

  @MQTT-3.12.4-1
  Scenario Outline: PINGREQ is answered with PINGRESP (<version>)
    Given "c" is connected
    When "c" sends PINGREQ
    Then "c" receives PINGRESP

    @v3.1.1
    Examples: MQTT 3.1.1
      | version |
      | 3.1.1   |

    @v3.1
    Examples: MQTT 3.1
      | version |
      | 3.1     |

  # The bound is 1.5 x Keep Alive plus 7 s of slack: servers keep time in whole seconds and may
  # sweep their keep-alive timers periodically (Mosquitto 2.0 sweeps every 6 s, so it closes a
  # Keep Alive 1 client after 2 to 8 s); the suite judges the rule, not a scheduler. A server that
  # never closes fails.
  @v3.1.1 @MQTT-3.1.2-24
  Scenario: A silent client is disconnected after one and a half times its Keep Alive
    Given "c" is connected with Keep Alive 1 second
    Then the server closes the connection of "c" within 8.5 seconds

  @v3.1.1 @MQTT-3.12.4-1
  Scenario: A client that sends PINGREQ within its Keep Alive stays connected
    Given "c" is connected with Keep Alive 1 second
    When "c" sends PINGREQ every 500 ms for 2000 ms
    Then "c" remains connected

  # The timeout is 1.5 Keep Alive: a client first heard from 1.25 periods after CONNECT is within it, so a
  # server timing out after the Keep Alive itself (or less) is caught; one gap proves it (the timer's restart
  # on each packet is the scenario above's). Mosquitto keeps whole seconds: over 3 s for Keep Alive 2.
  @v3.1.1 @MQTT-3.1.2-24 @MQTT-3.12.4-1
  Scenario: A client heard from within one and a half times its Keep Alive stays connected
    Given "c" is connected with Keep Alive 2 seconds
    When "c" sends PINGREQ every 2500 ms for 2500 ms
    Then "c" remains connected

  @v3.1.1 @MQTT-3.1.2-24
  Scenario: Any control packet, not only PINGREQ, keeps the connection alive
    Given "c" is connected with Keep Alive 1 second
    When "c" sends a PUBLISH of "alive" to "ka/busy" at QoS 0 every 400 ms for 3200 ms
    Then "c" remains connected
