package net.dig.net;

/**
 * Why a connection exists: a peer in the table, a short-lived link to an introducer, or the link to a relay
 * that carries relayed sessions ({@link RelayClient}); only peers are in the table.
 */
enum Purpose { PEER, INTRODUCER, RELAY }
