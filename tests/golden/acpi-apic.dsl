/*
 * 
 *
 * ACPI Data Table [APIC]
 *
 * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue
 */

[000h 0000   4]                    Signature : "APIC"    [Multiple APIC Description Table (MADT)]
[004h 0004   4]                 Table Length : 0000019C
[008h 0008   1]                     Revision : 06
[009h 0009   1]                     Checksum : CD
[00Ah 0010   6]                       Oem ID : "VMM   "
[010h 0016   8]                 Oem Table ID : "VMM-VIRT"
[018h 0024   4]                 Oem Revision : 00000001
[01Ch 0028   4]              Asl Compiler ID : "VMM "
[020h 0032   4]        Asl Compiler Revision : 00000001

[024h 0036   4]           Local Apic Address : 00000000
[028h 0040   4]        Flags (decoded below) : 00000000
                         PC-AT Compatibility : 0

[02Ch 0044   1]                Subtable Type : 0C [Generic Interrupt Distributor]
[02Dh 0045   1]                       Length : 18
[02Eh 0046   2]                     Reserved : 0000
[030h 0048   4]        Local GIC Hardware ID : 00000000
[034h 0052   8]                 Base Address : 000000003FFF0000
[03Ch 0060   4]               Interrupt Base : 00000000
[040h 0064   1]                      Version : 03
[041h 0065   3]                     Reserved : 000000

[044h 0068   1]                Subtable Type : 0E [Generic Interrupt Redistributor]
[045h 0069   1]                       Length : 10
[046h 0070   2]                     Reserved : 0000
[048h 0072   8]                 Base Address : 000000003FF70000
[050h 0080   4]                       Length : 00080000

[054h 0084   1]                Subtable Type : 0B [Generic Interrupt Controller]
[055h 0085   1]                       Length : 52
[056h 0086   2]                     Reserved : 0000
[058h 0088   4]         CPU Interface Number : 00000000
[05Ch 0092   4]                Processor UID : 00000000
[060h 0096   4]        Flags (decoded below) : 00000001
                           Processor Enabled : 1
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[064h 0100   4]     Parking Protocol Version : 00000000
[068h 0104   4]        Performance Interrupt : 00000017
[06Ch 0108   8]               Parked Address : 0000000000000000
[074h 0116   8]                 Base Address : 0000000000000000
[07Ch 0124   8]     Virtual GIC Base Address : 0000000000000000
[084h 0132   8]  Hypervisor GIC Base Address : 0000000000000000
[08Ch 0140   4]        Virtual GIC Interrupt : 00000000
[090h 0144   8]   Redistributor Base Address : 0000000000000000
[098h 0152   8]                    ARM MPIDR : 0000000000000000
[0A0h 0160   1]             Efficiency Class : 00
[0A1h 0161   1]                     Reserved : 00
[0A2h 0162   2]       SPE Overflow Interrupt : 0000

[0A6h 0166   1]                Subtable Type : 0B [Generic Interrupt Controller]
[0A7h 0167   1]                       Length : 52
[0A8h 0168   2]                     Reserved : 0000
[0AAh 0170   4]         CPU Interface Number : 00000000
[0AEh 0174   4]                Processor UID : 00000001
[0B2h 0178   4]        Flags (decoded below) : 00000001
                           Processor Enabled : 1
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[0B6h 0182   4]     Parking Protocol Version : 00000000
[0BAh 0186   4]        Performance Interrupt : 00000017
[0BEh 0190   8]               Parked Address : 0000000000000000
[0C6h 0198   8]                 Base Address : 0000000000000000
[0CEh 0206   8]     Virtual GIC Base Address : 0000000000000000
[0D6h 0214   8]  Hypervisor GIC Base Address : 0000000000000000
[0DEh 0222   4]        Virtual GIC Interrupt : 00000000
[0E2h 0226   8]   Redistributor Base Address : 0000000000000000
[0EAh 0234   8]                    ARM MPIDR : 0000000000000001
[0F2h 0242   1]             Efficiency Class : 00
[0F3h 0243   1]                     Reserved : 00
[0F4h 0244   2]       SPE Overflow Interrupt : 0000

[0F8h 0248   1]                Subtable Type : 0B [Generic Interrupt Controller]
[0F9h 0249   1]                       Length : 52
[0FAh 0250   2]                     Reserved : 0000
[0FCh 0252   4]         CPU Interface Number : 00000000
[100h 0256   4]                Processor UID : 00000002
[104h 0260   4]        Flags (decoded below) : 00000008
                           Processor Enabled : 0
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[108h 0264   4]     Parking Protocol Version : 00000000
[10Ch 0268   4]        Performance Interrupt : 00000017
[110h 0272   8]               Parked Address : 0000000000000000
[118h 0280   8]                 Base Address : 0000000000000000
[120h 0288   8]     Virtual GIC Base Address : 0000000000000000
[128h 0296   8]  Hypervisor GIC Base Address : 0000000000000000
[130h 0304   4]        Virtual GIC Interrupt : 00000000
[134h 0308   8]   Redistributor Base Address : 0000000000000000
[13Ch 0316   8]                    ARM MPIDR : 0000000000000002
[144h 0324   1]             Efficiency Class : 00
[145h 0325   1]                     Reserved : 00
[146h 0326   2]       SPE Overflow Interrupt : 0000

[14Ah 0330   1]                Subtable Type : 0B [Generic Interrupt Controller]
[14Bh 0331   1]                       Length : 52
[14Ch 0332   2]                     Reserved : 0000
[14Eh 0334   4]         CPU Interface Number : 00000000
[152h 0338   4]                Processor UID : 00000003
[156h 0342   4]        Flags (decoded below) : 00000008
                           Processor Enabled : 0
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[15Ah 0346   4]     Parking Protocol Version : 00000000
[15Eh 0350   4]        Performance Interrupt : 00000017
[162h 0354   8]               Parked Address : 0000000000000000
[16Ah 0362   8]                 Base Address : 0000000000000000
[172h 0370   8]     Virtual GIC Base Address : 0000000000000000
[17Ah 0378   8]  Hypervisor GIC Base Address : 0000000000000000
[182h 0386   4]        Virtual GIC Interrupt : 00000000
[186h 0390   8]   Redistributor Base Address : 0000000000000000
[18Eh 0398   8]                    ARM MPIDR : 0000000000000003
[196h 0406   1]             Efficiency Class : 00
[197h 0407   1]                     Reserved : 00
[198h 0408   2]       SPE Overflow Interrupt : 0000

Raw Table Data: Length 412 (0x19C)

    0000: 41 50 49 43 9C 01 00 00 06 CD 56 4D 4D 20 20 20  // APIC......VMM   
    0010: 56 4D 4D 2D 56 49 52 54 01 00 00 00 56 4D 4D 20  // VMM-VIRT....VMM 
    0020: 01 00 00 00 00 00 00 00 00 00 00 00 0C 18 00 00  // ................
    0030: 00 00 00 00 00 00 FF 3F 00 00 00 00 00 00 00 00  // .......?........
    0040: 03 00 00 00 0E 10 00 00 00 00 F7 3F 00 00 00 00  // ...........?....
    0050: 00 00 08 00 0B 52 00 00 00 00 00 00 00 00 00 00  // .....R..........
    0060: 01 00 00 00 00 00 00 00 17 00 00 00 00 00 00 00  // ................
    0070: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0080: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0090: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    00A0: 00 00 00 00 00 00 0B 52 00 00 00 00 00 00 01 00  // .......R........
    00B0: 00 00 01 00 00 00 00 00 00 00 17 00 00 00 00 00  // ................
    00C0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    00D0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    00E0: 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00  // ................
    00F0: 00 00 00 00 00 00 00 00 0B 52 00 00 00 00 00 00  // .........R......
    0100: 02 00 00 00 08 00 00 00 00 00 00 00 17 00 00 00  // ................
    0110: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0120: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0130: 00 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00  // ................
    0140: 00 00 00 00 00 00 00 00 00 00 0B 52 00 00 00 00  // ...........R....
    0150: 00 00 03 00 00 00 08 00 00 00 00 00 00 00 17 00  // ................
    0160: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0170: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0180: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 03 00  // ................
    0190: 00 00 00 00 00 00 00 00 00 00 00 00              // ............
