/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the USB fixtures (specs/linux/usb.ddv): an interface driver for qemu's usb-kbd
 * (0627:0001, tests/vm/fixture-usb.sh puts one behind a qemu-xhci controller). Its probe,
 * which usb_register() runs within init, takes a reference to the device and the interface,
 * makes synchronous control, bulk and interrupt messages (uf_sync_msgs), allocates a coherent
 * buffer and two URBs, submits one on the interrupt endpoint and anchors and submits the other,
 * and registers a USB class device; disconnect, which usb_deregister() runs at exit, undoes
 * each. usbfx_clean.c is that; each usbfx_NAME.c defines one UF_* defect and includes this file,
 * so that a module differs from the clean one only in the lines under its macro.
 *
 * What keeps them safe in the test VM: the keyboard sends no report unless a key is pressed,
 * so an URB left in flight (UF_URB_IN_FLIGHT, UF_ANCHOR_BUSY) never completes: its completion
 * and buffers are never used once the module is gone; soft_unbind keeps usbcore from flushing
 * the endpoint at unbind (which would complete it), so the driver kills its URBs itself, as
 * such a driver must. The releases ddv must report are ones the kernel survives: an URB or a
 * device or interface put once more than the driver took, with a reference taken behind
 * usbcore's back (kref_get, get_device), so the counts stay balanced; a second submission of
 * an URB in flight, which usbcore refuses with -EBUSY and a WARN; usb_deregister_dev of an
 * interface without a minor, which it ignores; a coherent buffer freed with a size that rounds
 * to the same pool (64 and 100 bytes: the 128-byte pool).
 *
 * Two more, each with its twin, for the rules that fire only when ddv missed a release or
 * counted past a bound:
 *   UF_AGAIN   an URB and a coherent buffer freed, the class device and the driver deregistered,
 *              each made again at once (the slab and the DMA pool give the block freed last;
 *              a minor and a driver are the interface's and the module's own). With
 *              UF_UNSEEN each release goes through a function pointer, which ddv does not
 *              redirect: ddv holds the object live when it comes back (usbfx_again_unseen);
 *              without, direct calls (usbfx_again, the twin).
 *   UF_DEEP    UF_DEEP more references to the device, the interface and the interrupt URB, each
 *              dropped again: past the rules' bound of 1,000,000 at 1000000 (usbfx_deep), at
 *              it with 999999 (usbfx_deep_clean). The one drop past ddv's count goes through a
 *              pointer (UF_UNSEEN), so that the kernel's counts end balanced.
 */
#include <linux/module.h>
#include <linux/usb.h>
#include <linux/slab.h>
#include <linux/kref.h>
#include <linux/device.h>
#include <linux/preempt.h>

#define UF_VENDOR 0x0627
#define UF_PRODUCT 0x0001
#define UF_COHERENT 64
#ifdef UF_COHERENT_SIZE
#define UF_COHERENT_FREE 100
#else
#define UF_COHERENT_FREE UF_COHERENT
#endif
#define UF_TIMEOUT_MS 20

struct uf_dev {
	struct usb_device *udev;
	struct usb_interface *intf;
	struct urb *urb;	/* on the interrupt endpoint, in flight until disconnect */
	struct urb *aurb;	/* the same, anchored */
	struct urb *spare;	/* never submitted but by uf_sync_msgs */
	struct usb_anchor anchor;
	unsigned int pipe;
	int maxp, interval;
	u8 *coh;
	dma_addr_t coh_dma;
	u8 buf[64];
	u8 msg[8];
};

static struct usb_driver uf_driver;
static int uf_calls;
#ifdef UF_DRIVER_LEAK
static struct usb_driver *uf_spare_driver;
#endif

static void uf_complete(struct urb *urb)
{
}

#if defined(UF_AGAIN) || defined(UF_DEEP)
/*
 * The real functions, called where ddv does not redirect (it patches the driver's direct call
 * sites only; volatile: never folded back into a direct call).
 */
#define UF_POINTER(fn) static typeof(&fn) volatile __maybe_unused uf_hidden_##fn = fn
UF_POINTER(usb_free_urb);
UF_POINTER(usb_free_coherent);
UF_POINTER(usb_deregister_dev);
UF_POINTER(usb_deregister);
UF_POINTER(usb_put_dev);
UF_POINTER(usb_put_intf);
#ifdef UF_UNSEEN
#define UF_HIDDEN(fn) uf_hidden_##fn
#else
#define UF_HIDDEN(fn) fn
#endif
#endif

#ifdef UF_AGAIN
/* An URB and a coherent buffer freed (seen or not, UF_UNSEEN) and allocated again, then freed. */
static void uf_again(struct uf_dev *uf)
{
	struct urb *urb = usb_alloc_urb(0, GFP_KERNEL);
	dma_addr_t dma;
	void *coh;

	if (urb) {
		UF_HIDDEN(usb_free_urb)(urb);
		urb = usb_alloc_urb(0, GFP_KERNEL);
		usb_free_urb(urb);
	}
	coh = usb_alloc_coherent(uf->udev, UF_COHERENT, GFP_KERNEL, &dma);
	if (coh) {
		UF_HIDDEN(usb_free_coherent)(uf->udev, UF_COHERENT, coh, dma);
		coh = usb_alloc_coherent(uf->udev, UF_COHERENT, GFP_KERNEL, &dma);
		if (coh)
			usb_free_coherent(uf->udev, UF_COHERENT, coh, dma);
	}
}
#endif

#ifdef UF_DEEP
/* UF_DEEP more references each, dropped again; the last drop through a pointer. */
static void uf_deep(struct uf_dev *uf)
{
	int i;

	for (i = 0; i < UF_DEEP; i++) {
		usb_get_dev(uf->udev);
		usb_get_intf(uf->intf);
		usb_get_urb(uf->urb);
	}
	for (i = 0; i < UF_DEEP - 1; i++) {
		usb_put_dev(uf->udev);
		usb_put_intf(uf->intf);
		usb_free_urb(uf->urb);
	}
	UF_HIDDEN(usb_put_dev)(uf->udev);
	UF_HIDDEN(usb_put_intf)(uf->intf);
	UF_HIDDEN(usb_free_urb)(uf->urb);
}
#endif

static const struct file_operations uf_fops = { .owner = THIS_MODULE };
static struct usb_class_driver uf_class = {
	.name = KBUILD_MODNAME "%d",
	.fops = &uf_fops,
};

/*
 * The synchronous messages and the calls that take a GFP, in one function so that the
 * injector's caller filter (caller=MODULE:uf_sync_msgs) can fail them all and nothing else.
 * A GET_STATUS of the device; a bulk and an interrupt transfer on the interrupt endpoint (usbcore
 * turns the bulk one into an interrupt transfer), which time out without a key press.
 */
static noinline void uf_sync_msgs(struct uf_dev *uf)
{
	unsigned int inpipe = usb_rcvbulkpipe(uf->udev, usb_pipeendpoint(uf->pipe));
	dma_addr_t dma;
	struct urb *urb;
	void *coh;
	int len;

#ifdef UF_ATOMIC
	preempt_disable();
#endif
	if (usb_control_msg(uf->udev, usb_rcvctrlpipe(uf->udev, 0), USB_REQ_GET_STATUS,
			    USB_DIR_IN | USB_TYPE_STANDARD | USB_RECIP_DEVICE, 0, 0, uf->msg, 2,
			    UF_TIMEOUT_MS) >= 0)
		uf_calls++;
	if (!usb_bulk_msg(uf->udev, inpipe, uf->msg, uf->maxp, &len, UF_TIMEOUT_MS))
		uf_calls++;
	if (!usb_interrupt_msg(uf->udev, uf->pipe, uf->msg, uf->maxp, &len, UF_TIMEOUT_MS))
		uf_calls++;
	urb = usb_alloc_urb(0, GFP_KERNEL);
	coh = usb_alloc_coherent(uf->udev, UF_COHERENT, GFP_KERNEL, &dma);
	usb_fill_int_urb(uf->spare, uf->udev, uf->pipe, uf->msg, uf->maxp, uf_complete, uf,
			 uf->interval);
	/* Killed at once: the keyboard has nothing to send. */
	if (!usb_submit_urb(uf->spare, GFP_KERNEL))
		usb_kill_urb(uf->spare);
#ifdef UF_ATOMIC
	preempt_enable();
#endif
	if (coh)
		usb_free_coherent(uf->udev, UF_COHERENT, coh, dma);
	usb_free_urb(urb);
}

static int uf_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	struct usb_endpoint_descriptor *ep;
	struct uf_dev *uf;
	int err = -ENOMEM;

	if (intf->cur_altsetting->desc.bNumEndpoints < 1)
		return -ENODEV;
	ep = &intf->cur_altsetting->endpoint[0].desc;
	if (!usb_endpoint_is_int_in(ep))
		return -ENODEV;
	uf = kzalloc(sizeof(*uf), GFP_KERNEL);
	if (!uf)
		return -ENOMEM;
	uf->udev = usb_get_dev(interface_to_usbdev(intf));
	uf->intf = usb_get_intf(intf);
#ifdef UF_PUT_DEV_UNHELD
	get_device(&uf->udev->dev);
#endif
#ifdef UF_PUT_INTF_UNHELD
	get_device(&intf->dev);
#endif
	init_usb_anchor(&uf->anchor);
	uf->pipe = usb_rcvintpipe(uf->udev, ep->bEndpointAddress);
	uf->maxp = min_t(int, usb_endpoint_maxp(ep), sizeof(uf->buf));
	uf->interval = ep->bInterval;
	uf->spare = usb_alloc_urb(0, GFP_KERNEL);
	if (!uf->spare)
		goto put;
	uf_sync_msgs(uf);
	uf->coh = usb_alloc_coherent(uf->udev, UF_COHERENT, GFP_KERNEL, &uf->coh_dma);
	if (!uf->coh)
		goto spare;
	uf->urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!uf->urb)
		goto coherent;
	uf->aurb = usb_alloc_urb(0, GFP_KERNEL);
	if (!uf->aurb)
		goto urb;
#ifdef UF_URB_TWICE
	/* A reference usbcore does not know the driver holds: the second free drops it. */
	kref_get(&uf->urb->kref);
#endif
	usb_fill_int_urb(uf->urb, uf->udev, uf->pipe, uf->buf, uf->maxp, uf_complete, uf,
			 uf->interval);
	err = usb_submit_urb(uf->urb, GFP_KERNEL);
	if (err)
		goto aurb;
#ifdef UF_SUBMIT_TWICE
	if (usb_submit_urb(uf->urb, GFP_KERNEL) != -EBUSY)
		pr_info("%s: the second submission was not refused\n", KBUILD_MODNAME);
#endif
	usb_fill_int_urb(uf->aurb, uf->udev, uf->pipe, uf->coh, min(uf->maxp, UF_COHERENT),
			 uf_complete, uf, uf->interval);
	uf->aurb->transfer_dma = uf->coh_dma;
	uf->aurb->transfer_flags |= URB_NO_TRANSFER_DMA_MAP;
	usb_anchor_urb(uf->aurb, &uf->anchor);
	err = usb_submit_urb(uf->aurb, GFP_KERNEL);
	if (err) {
		usb_unanchor_urb(uf->aurb);
		goto kill;
	}
	err = usb_register_dev(intf, &uf_class);
#ifdef UF_AGAIN
	if (!err) {
		UF_HIDDEN(usb_deregister_dev)(intf, &uf_class);
		err = usb_register_dev(intf, &uf_class);
	}
	uf_again(uf);
#endif
#ifdef UF_DEEP
	uf_deep(uf);
#endif
	if (err)
		goto anchored;
	usb_set_intfdata(intf, uf);
	dev_info(&intf->dev, "%s: bound\n", KBUILD_MODNAME);
	return 0;

anchored:
	usb_kill_anchored_urbs(&uf->anchor);
kill:
	usb_kill_urb(uf->urb);
aurb:
	usb_free_urb(uf->aurb);
urb:
	usb_free_urb(uf->urb);
coherent:
	usb_free_coherent(uf->udev, UF_COHERENT, uf->coh, uf->coh_dma);
spare:
	usb_free_urb(uf->spare);
put:
	usb_put_intf(uf->intf);
	usb_put_dev(uf->udev);
	kfree(uf);
	return err;
}

static void uf_disconnect(struct usb_interface *intf)
{
	struct uf_dev *uf = usb_get_intfdata(intf);

#ifndef UF_CLASS_LEAK
	usb_deregister_dev(intf, &uf_class);
#endif
#ifdef UF_CLASS_TWICE
	usb_deregister_dev(intf, &uf_class);
#endif
#ifndef UF_ANCHOR_BUSY
	usb_kill_anchored_urbs(&uf->anchor);
#endif
	/* The anchor holds its own reference to an URB it still holds. */
	usb_free_urb(uf->aurb);
#ifndef UF_URB_IN_FLIGHT
	usb_kill_urb(uf->urb);
#ifndef UF_URB_LEAK
	usb_free_urb(uf->urb);
#endif
#endif
#ifdef UF_URB_TWICE
	usb_free_urb(uf->urb);
#endif
#ifndef UF_COHERENT_LEAK
	usb_free_coherent(uf->udev, UF_COHERENT_FREE, uf->coh, uf->coh_dma);
#endif
	usb_free_urb(uf->spare);
#ifndef UF_INTF_REF_LEAK
	usb_put_intf(uf->intf);
#endif
#ifdef UF_PUT_INTF_UNHELD
	usb_put_intf(uf->intf);
#endif
#ifndef UF_DEV_REF_LEAK
	usb_put_dev(uf->udev);
#endif
#ifdef UF_PUT_DEV_UNHELD
	usb_put_dev(uf->udev);
#endif
	kfree(uf);
}

static const struct usb_device_id uf_ids[] = {
	{ USB_DEVICE(UF_VENDOR, UF_PRODUCT) },
	{ }
};

static struct usb_driver uf_driver = {
	.name = KBUILD_MODNAME,
	.probe = uf_probe,
	.disconnect = uf_disconnect,
	.id_table = uf_ids,
	.soft_unbind = 1,
};

static int __init uf_init(void)
{
	int err;

#ifdef UF_DRIVER_LEAK
	/*
	 * A driver of its own in heap memory, never deregistered: no ID, no module, no name in
	 * module memory, so that the bus's list never leads into the freed module.
	 */
	uf_spare_driver = kzalloc(sizeof(*uf_spare_driver) + 32, GFP_KERNEL);
	if (!uf_spare_driver)
		return -ENOMEM;
	snprintf((char *)(uf_spare_driver + 1), 32, "%s_spare", KBUILD_MODNAME);
	uf_spare_driver->name = (char *)(uf_spare_driver + 1);
	uf_spare_driver->no_dynamic_id = 1;
	if (usb_register_driver(uf_spare_driver, NULL, NULL))
		pr_info("%s: the spare driver was not registered\n", KBUILD_MODNAME);
#endif
	err = usb_register(&uf_driver);
	if (err)
		return err;
#ifdef UF_AGAIN
	/* Probe runs twice: bound, unbound by the deregistration, bound again. */
	UF_HIDDEN(usb_deregister)(&uf_driver);
	err = usb_register(&uf_driver);
	if (err)
		return err;
#endif
	pr_info("%s: %d synchronous messages went through\n", KBUILD_MODNAME, uf_calls);
	return 0;
}

static void __exit uf_exit(void)
{
	usb_deregister(&uf_driver);
}

module_init(uf_init);
module_exit(uf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a USB interface driver for qemu's usb-kbd");
