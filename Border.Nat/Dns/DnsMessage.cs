using System.Buffers.Binary;
using System.Net;

namespace Border.Nat.Dns;

/// <summary>Writes an AAAA question and reads the AAAA records out of the reply (RFC 1035 section 4).</summary>
internal static class DnsMessage
{
    private const int HeaderLength = 12;
    private const ushort RecursionDesired = 0x0100;
    private const ushort ResponseFlag = 0x8000;
    private const ushort TypeAaaa = 28;
    private const ushort ClassInternet = 1;
    private const int Ipv6Length = 16;
    private const byte PointerMask = 0xC0;
    private const int MaxLabelLength = 63;

    public static byte[] Query(ushort id, string name)
    {
        var message = new List<byte>(HeaderLength + name.Length + 6);
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], RecursionDesired);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);
        message.AddRange(header.ToArray());
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength)
            {
                throw new ArgumentException($"'{name}' is not a valid DNS name", nameof(name));
            }

            message.Add((byte)label.Length);
            message.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        message.Add(0);
        message.AddRange([0, (byte)TypeAaaa, 0, (byte)ClassInternet]);
        return [.. message];
    }

    public static DnsAnswer ParseAnswer(ushort id, ReadOnlySpan<byte> reply)
    {
        if (reply.Length < HeaderLength)
        {
            throw new InvalidDataException($"reply of {reply.Length} bytes is shorter than a DNS header");
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(reply) != id)
        {
            throw new InvalidDataException("reply id does not match the query");
        }

        var flags = BinaryPrimitives.ReadUInt16BigEndian(reply[2..]);
        if ((flags & ResponseFlag) == 0)
        {
            throw new InvalidDataException("reply is not a response");
        }

        var questions = BinaryPrimitives.ReadUInt16BigEndian(reply[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(reply[6..]);
        var offset = HeaderLength;
        for (var i = 0; i < questions; i++)
        {
            offset = SkipName(reply, offset) + 4;
        }

        var addresses = new List<IPAddress>();
        for (var i = 0; i < answers; i++)
        {
            offset = SkipName(reply, offset);
            var record = Slice(reply, offset, 10);
            var type = BinaryPrimitives.ReadUInt16BigEndian(record);
            var length = BinaryPrimitives.ReadUInt16BigEndian(record[8..]);
            var data = Slice(reply, offset + 10, length);
            if (type == TypeAaaa && length == Ipv6Length)
            {
                addresses.Add(new IPAddress(data));
            }

            offset += 10 + length;
        }

        return new DnsAnswer(flags & 0xF, addresses);
    }

    /// <summary>The offset just past the name at <paramref name="offset"/>; a compression pointer ends a name.</summary>
    private static int SkipName(ReadOnlySpan<byte> reply, int offset)
    {
        while (true)
        {
            var length = Slice(reply, offset, 1)[0];
            if (length == 0)
            {
                return offset + 1;
            }

            if ((length & PointerMask) == PointerMask)
            {
                return offset + 2;
            }

            offset += 1 + length;
        }
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> reply, int offset, int length) =>
        offset + length <= reply.Length
            ? reply.Slice(offset, length)
            : throw new InvalidDataException($"reply truncated at byte {offset}");
}
