// The bridge between Eigen's packets and xsimd batches: Eigen functors (operator() for a
// coefficient, packetOp for a packet) that evaluate an activation inside an Eigen expression.
// Every element, whether Eigen hands it over in a packet or alone, goes through the same batch
// kernel as the eager loop (engine/loop.hpp) on xsimd's default architecture, so a lazy result
// is bit-identical to xact::forward on the materialised input. The evaluator of the unary
// node also offers packets where its input has none, gathering coefficients.
#pragma once

#include <cstddef>
#include <type_traits>

#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include "../config.hpp"
#include "../functors/gelu.hpp"
#include "../functors/hard_sigmoid.hpp"
#include "../functors/hard_swish.hpp"
#include "../functors/hard_tanh.hpp"
#include "../functors/leaky_relu.hpp"
#include "../functors/mish.hpp"
#include "../functors/relu.hpp"
#include "../functors/relu6.hpp"
#include "../functors/softsign.hpp"
#include "loop.hpp"

namespace xact::engine {

// What an element computes: the forward value or the derivative of an element functor g.
template <class G>
struct forward_kernel {
    G g;
    template <class V>
    XACT_INLINE V operator()(const V& x) const noexcept
    {
        return g(x);
    }
};

template <class G>
struct derivative_kernel {
    G g;
    template <class V>
    XACT_INLINE V operator()(const V& x) const noexcept
    {
        return g.derivative(x);
    }
};

// dy * g'(x), the product taken as the eager backward takes it (engine/operations.hpp).
template <class G>
struct backward_kernel {
    G g;
    template <class V>
    XACT_INLINE V operator()(const V& x, const V& dy) const noexcept
    {
        return dy * g.derivative(x);
    }
};

// The rough cost of one element in Eigen's units (an addition is 1). Eigen weighs it when it
// decides whether to evaluate a nested expression once into a temporary before a product or
// a replicate, or to unroll a fixed-size loop: a transcendental activation must not be
// recomputed per use.
template <class G>
constexpr int element_cost() noexcept
{
    if constexpr (std::is_same_v<G, relu> || std::is_same_v<G, leaky_relu> || std::is_same_v<G, relu6> ||
                  std::is_same_v<G, hard_tanh>)
        return 2;
    else if constexpr (std::is_same_v<G, hard_sigmoid> || std::is_same_v<G, hard_swish>)
        return 5;
    else if constexpr (std::is_same_v<G, softsign>)
        return 12; // a division
    else if constexpr (std::is_same_v<G, gelu> || std::is_same_v<G, mish>)
        return 80; // erfc or exp and log, with double-word steps
    else
        return 40; // one exp, expm1, log1p or tanh kernel
}

template <class T>
inline constexpr bool lazy_scalar_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <class T>
XACT_INLINE constexpr void check_scalar() noexcept
{
    static_assert(lazy_scalar_v<T>, "xact::lazy: the scalar type must be float or double (bf16 and f16 "
                                    "storage: use xact::forward)");
}

// Whether an Eigen packet is the register of xsimd's default batch of the same scalar: then it
// converts in place; any other packet (a half packet of a small fixed-size object, or a build
// where Eigen and xsimd pick different widths) goes through memory.
template <class Packet>
inline constexpr bool is_direct_packet_v =
    std::is_same_v<Packet, typename batch<typename Eigen::internal::unpacket_traits<Packet>::type>::register_type>;

// k applied to packets of N scalars through default batches: in place when the packet is the
// batch's register, otherwise through aligned buffers cut into batches, the last one
// zero-padded exactly as the eager loop pads its tail.
template <class K, class P, class... More>
XACT_INLINE P apply_to_packets(const K& k, const P& p, const More&... more)
{
    using T = typename Eigen::internal::unpacket_traits<P>::type;
    check_scalar<T>();
    using B = batch<T>;
    if constexpr (is_direct_packet_v<P>) {
        return k(B(p), B(more)...);
    } else {
        constexpr std::size_t n = static_cast<std::size_t>(Eigen::internal::unpacket_traits<P>::size);
        constexpr std::size_t L = B::size, padded = (n + L - 1) / L * L;
        alignas(64) T x[padded] = {}, y[padded] = {}, out[padded];
        Eigen::internal::pstoreu(x, p);
        if constexpr (sizeof...(More) == 1)
            Eigen::internal::pstoreu(y, more...);
        for (std::size_t i = 0; i < padded; i += L) {
            if constexpr (sizeof...(More) == 0)
                k(B::load_aligned(x + i)).store_aligned(out + i);
            else
                k(B::load_aligned(x + i), B::load_aligned(y + i)).store_aligned(out + i);
        }
        return Eigen::internal::ploadu<P>(out);
    }
}

// One coefficient alone: lane 0 of a default batch (lanes never interact, so any lane of the
// eager loop, body or padded tail, gives these bits).
template <class K, class T, class... U>
XACT_INLINE T apply_to_scalars(const K& k, T x, U... more)
{
    check_scalar<T>();
    return k(batch<T>(x), batch<T>(more)...).get(0);
}

// The Eigen unary functor of a kernel: expr.unaryExpr(eigen_unary_op<K>{k}).
template <class K>
struct eigen_unary_op {
    K kernel;

    template <class T>
    XACT_INLINE T operator()(const T& x) const
    {
        return apply_to_scalars(kernel, x);
    }

    template <class Packet>
    XACT_INLINE Packet packetOp(const Packet& p) const
    {
        return apply_to_packets(kernel, p);
    }
};

// The Eigen binary functor of a two-argument kernel: x.binaryExpr(dy, eigen_binary_op<K>{k}).
template <class K>
struct eigen_binary_op {
    K kernel;

    template <class T>
    XACT_INLINE T operator()(const T& x, const T& y) const
    {
        return apply_to_scalars(kernel, x, y);
    }

    template <class Packet>
    XACT_INLINE Packet packetOp(const Packet& p, const Packet& q) const
    {
        return apply_to_packets(kernel, p, q);
    }
};

template <class K>
struct kernel_cost;
template <template <class> class Kind, class G>
struct kernel_cost<Kind<G>> {
    static constexpr int value = element_cost<G>() + (std::is_same_v<Kind<G>, backward_kernel<G>> ? 1 : 0);
};

} // namespace xact::engine

namespace Eigen::internal {

// Vectorizable at whatever packet Eigen picks (packetOp converts it), at the kernel's cost.
template <class K>
struct functor_traits<xact::engine::eigen_unary_op<K>> {
    enum { Cost = xact::engine::kernel_cost<K>::value, PacketAccess = 1 };
};

template <class K>
struct functor_traits<xact::engine::eigen_binary_op<K>> {
    enum { Cost = xact::engine::kernel_cost<K>::value, PacketAccess = 1 };
};

// The evaluator of lazy(f, x) is Eigen's, but for one thing: it always offers packets. Where x
// has none (Eigen 3.4 gives a Replicate, hence `m.colwise() + b`, no packet access), its
// coefficients are gathered into a packet, so the activation still runs one batch per packet
// instead of one batch per coefficient.
template <class K, class ArgType>
struct unary_evaluator<CwiseUnaryOp<xact::engine::eigen_unary_op<K>, ArgType>, IndexBased>
    : evaluator_base<CwiseUnaryOp<xact::engine::eigen_unary_op<K>, ArgType>> {
    using op = xact::engine::eigen_unary_op<K>;
    using XprType = CwiseUnaryOp<op, ArgType>;
    using CoeffReturnType = typename XprType::CoeffReturnType;
    using Scalar = typename XprType::Scalar;

    enum {
        ArgFlags = evaluator<ArgType>::Flags,
        CoeffReadCost = int(evaluator<ArgType>::CoeffReadCost) + int(functor_traits<op>::Cost),
        Flags = (ArgFlags & (HereditaryBits | LinearAccessBit)) | PacketAccessBit,
        Alignment = evaluator<ArgType>::Alignment
    };

    explicit unary_evaluator(const XprType& xpr) : m_op(xpr.functor()), m_arg(xpr.nestedExpression()) {}

    CoeffReturnType coeff(Index row, Index col) const { return m_op(m_arg.coeff(row, col)); }
    CoeffReturnType coeff(Index index) const { return m_op(m_arg.coeff(index)); }

    template <int LoadMode, typename PacketType>
    PacketType packet(Index row, Index col) const
    {
        if constexpr ((ArgFlags & PacketAccessBit) != 0) {
            return m_op.packetOp(m_arg.template packet<LoadMode, PacketType>(row, col));
        } else {
            // A packet runs along the inner dimension of this expression's storage order.
            constexpr int n = unpacket_traits<PacketType>::size;
            alignas(64) Scalar x[n];
            for (int i = 0; i < n; ++i)
                x[i] = (Flags & RowMajorBit) != 0 ? m_arg.coeff(row, col + i) : m_arg.coeff(row + i, col);
            return m_op.packetOp(ploadu<PacketType>(x));
        }
    }

    template <int LoadMode, typename PacketType>
    PacketType packet(Index index) const
    {
        if constexpr ((ArgFlags & PacketAccessBit) != 0) {
            return m_op.packetOp(m_arg.template packet<LoadMode, PacketType>(index));
        } else {
            constexpr int n = unpacket_traits<PacketType>::size;
            alignas(64) Scalar x[n];
            for (int i = 0; i < n; ++i)
                x[i] = m_arg.coeff(index + i);
            return m_op.packetOp(ploadu<PacketType>(x));
        }
    }

private:
    op m_op;
    evaluator<ArgType> m_arg;
};

} // namespace Eigen::internal
