/* global AudioWorkletProcessor, registerProcessor -- the audio thread's own globals */
// Runs on the audio thread: hands the microphone's samples (first channel) to the page in
// blocks of 4096, so the page sees ~12 messages a second instead of ~375.
class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(4096);
    this.filled = 0;
    this.port.onmessage = (event) => {
      if (event.data === 'flush') {
        this.port.postMessage(this.block.slice(0, this.filled));
        this.filled = 0;
        this.port.postMessage('flushed');
      }
    };
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      let read = 0;
      while (read < channel.length) {
        const n = Math.min(channel.length - read, this.block.length - this.filled);
        this.block.set(channel.subarray(read, read + n), this.filled);
        this.filled += n;
        read += n;
        if (this.filled === this.block.length) {
          this.port.postMessage(this.block.slice());
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('studymate-pcm-capture', PcmCapture);
