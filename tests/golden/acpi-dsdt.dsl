/*
 * 
 * Disassembling to symbolic ASL+ operators
 *
 *
 * Original Table Header:
 *     Signature        "DSDT"
 *     Length           0x0000041E (1054)
 *     Revision         0x02
 *     Checksum         0x65
 *     OEM ID           "VMM   "
 *     OEM Table ID     "VMM-VIRT"
 *     OEM Revision     0x00000001 (1)
 *     Compiler ID      "VMM "
 *     Compiler Version 0x00000001 (1)
 */
DefinitionBlock ("", "DSDT", 2, "VMM   ", "VMM-VIRT", 0x00000001)
{
    Scope (\_SB)
    {
        Device (COM0)
        {
            Name (_HID, EisaId ("PNP0501") /* 16550A-compatible COM Serial Port */)  // _HID: Hardware ID
            Name (_UID, Zero)  // _UID: Unique ID
            Name (_CRS, ResourceTemplate ()  // _CRS: Current Resource Settings
            {
                Memory32Fixed (ReadWrite,
                    0x01000000,         // Address Base
                    0x00001000,         // Address Length
                    )
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, )
                {
                    0x00000020,
                }
            })
        }

        Device (C000)
        {
            Name (_HID, "ACPI0007" /* Processor Device */)  // _HID: Hardware ID
            Name (_UID, Zero)  // _UID: Unique ID
            OperationRegion (REGS, SystemMemory, 0x01002100, 0x04)
            Field (REGS, DWordAcc, NoLock, Preserve)
            {
                STAT,   32
            }

            Method (_STA, 0, NotSerialized)  // _STA: Status
            {
                If ((STAT & One))
                {
                    Return (0x0F)
                }

                Return (0x0D)
            }

            Method (_EJ0, 1, NotSerialized)  // _EJx: Eject Device, x=0-9
            {
                STAT = 0x08
            }

            OperationRegion (OSTR, SystemMemory, 0x01003000, 0x04)
            Field (OSTR, DWordAcc, NoLock, Preserve)
            {
                OSTV,   32
            }

            Method (_OST, 3, NotSerialized)  // _OST: OSPM Status Indication
            {
                OSTV = ((Arg0 << 0x10) | (Arg1 & 0xFFFF))
            }

            Method (CEVT, 0, NotSerialized)
            {
                Local0 = STAT /* \_SB_.C000.STAT */
                If ((Local0 & 0x02))
                {
                    STAT = 0x02
                    Notify (\_SB.C000, One) // Device Check
                }

                If ((Local0 & 0x04))
                {
                    STAT = 0x04
                    Notify (\_SB.C000, 0x03) // Eject Request
                }
            }
        }

        Device (C001)
        {
            Name (_HID, "ACPI0007" /* Processor Device */)  // _HID: Hardware ID
            Name (_UID, One)  // _UID: Unique ID
            OperationRegion (REGS, SystemMemory, 0x01002104, 0x04)
            Field (REGS, DWordAcc, NoLock, Preserve)
            {
                STAT,   32
            }

            Method (_STA, 0, NotSerialized)  // _STA: Status
            {
                If ((STAT & One))
                {
                    Return (0x0F)
                }

                Return (0x0D)
            }

            Method (_EJ0, 1, NotSerialized)  // _EJx: Eject Device, x=0-9
            {
                STAT = 0x08
            }

            OperationRegion (OSTR, SystemMemory, 0x01003004, 0x04)
            Field (OSTR, DWordAcc, NoLock, Preserve)
            {
                OSTV,   32
            }

            Method (_OST, 3, NotSerialized)  // _OST: OSPM Status Indication
            {
                OSTV = ((Arg0 << 0x10) | (Arg1 & 0xFFFF))
            }

            Method (CEVT, 0, NotSerialized)
            {
                Local0 = STAT /* \_SB_.C001.STAT */
                If ((Local0 & 0x02))
                {
                    STAT = 0x02
                    Notify (\_SB.C001, One) // Device Check
                }

                If ((Local0 & 0x04))
                {
                    STAT = 0x04
                    Notify (\_SB.C001, 0x03) // Eject Request
                }
            }
        }

        Device (C002)
        {
            Name (_HID, "ACPI0007" /* Processor Device */)  // _HID: Hardware ID
            Name (_UID, 0x02)  // _UID: Unique ID
            OperationRegion (REGS, SystemMemory, 0x01002108, 0x04)
            Field (REGS, DWordAcc, NoLock, Preserve)
            {
                STAT,   32
            }

            Method (_STA, 0, NotSerialized)  // _STA: Status
            {
                If ((STAT & One))
                {
                    Return (0x0F)
                }

                Return (0x0D)
            }

            Method (_EJ0, 1, NotSerialized)  // _EJx: Eject Device, x=0-9
            {
                STAT = 0x08
            }

            OperationRegion (OSTR, SystemMemory, 0x01003008, 0x04)
            Field (OSTR, DWordAcc, NoLock, Preserve)
            {
                OSTV,   32
            }

            Method (_OST, 3, NotSerialized)  // _OST: OSPM Status Indication
            {
                OSTV = ((Arg0 << 0x10) | (Arg1 & 0xFFFF))
            }

            Method (CEVT, 0, NotSerialized)
            {
                Local0 = STAT /* \_SB_.C002.STAT */
                If ((Local0 & 0x02))
                {
                    STAT = 0x02
                    Notify (\_SB.C002, One) // Device Check
                }

                If ((Local0 & 0x04))
                {
                    STAT = 0x04
                    Notify (\_SB.C002, 0x03) // Eject Request
                }
            }
        }

        Device (C003)
        {
            Name (_HID, "ACPI0007" /* Processor Device */)  // _HID: Hardware ID
            Name (_UID, 0x03)  // _UID: Unique ID
            OperationRegion (REGS, SystemMemory, 0x0100210C, 0x04)
            Field (REGS, DWordAcc, NoLock, Preserve)
            {
                STAT,   32
            }

            Method (_STA, 0, NotSerialized)  // _STA: Status
            {
                If ((STAT & One))
                {
                    Return (0x0F)
                }

                Return (0x0D)
            }

            Method (_EJ0, 1, NotSerialized)  // _EJx: Eject Device, x=0-9
            {
                STAT = 0x08
            }

            OperationRegion (OSTR, SystemMemory, 0x0100300C, 0x04)
            Field (OSTR, DWordAcc, NoLock, Preserve)
            {
                OSTV,   32
            }

            Method (_OST, 3, NotSerialized)  // _OST: OSPM Status Indication
            {
                OSTV = ((Arg0 << 0x10) | (Arg1 & 0xFFFF))
            }

            Method (CEVT, 0, NotSerialized)
            {
                Local0 = STAT /* \_SB_.C003.STAT */
                If ((Local0 & 0x02))
                {
                    STAT = 0x02
                    Notify (\_SB.C003, One) // Device Check
                }

                If ((Local0 & 0x04))
                {
                    STAT = 0x04
                    Notify (\_SB.C003, 0x03) // Eject Request
                }
            }
        }

        Device (GED0)
        {
            Name (_HID, "ACPI0013" /* Generic Event Device */)  // _HID: Hardware ID
            Name (_UID, Zero)  // _UID: Unique ID
            Name (_CRS, ResourceTemplate ()  // _CRS: Current Resource Settings
            {
                Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )
                {
                    0x00000021,
                }
            })
            Method (_EVT, 1, NotSerialized)  // _EVT: Event
            {
                \_SB.C000.CEVT ()
                \_SB.C001.CEVT ()
                \_SB.C002.CEVT ()
                \_SB.C003.CEVT ()
            }
        }
    }
}

