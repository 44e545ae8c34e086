"""Byte transports: serial ports by pyserial URL, and USB discovery of Particle devices."""
