package net.dig.net;

/** Why a connection exists: a peer in the table, or a short-lived link to an introducer. */
enum Purpose { PEER, INTRODUCER }
